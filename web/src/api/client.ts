import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "@urql/core";
import { createClient as createWsClient } from "graphql-ws";
import { csrfToken } from "./cookies";
import { signedOutExchange } from "./signedOut";

/** The GraphQL endpoint's WebSocket URL on this page's origin. */
export function socketUrl(location: Location = window.location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/graphql`;
}

const reconnectListeners = new Set<() => void>();

/**
 * Call `listener` each time the subscription socket is connected again after it was lost
 * (any close but the normal one the lazy socket makes when nothing listens): events sent
 * meanwhile were missed, so a page kept live by them should read its data afresh.
 * Answers the function that stops it.
 */
export function onReconnect(listener: () => void): () => void {
  reconnectListeners.add(listener);
  return () => reconnectListeners.delete(listener);
}

const rightsListeners = new Set<() => void>();

/**
 * Call `listener` when a subscription ends because the person's role changed
 * (SCOPES_CHANGED) or their session ended (SESSION_EXPIRED): who is signed in, and what
 * they may do, should be read afresh. Answers the function that stops it.
 */
export function onRightsChanged(listener: () => void): () => void {
  rightsListeners.add(listener);
  return () => rightsListeners.delete(listener);
}

/** Whether a subscription's message is the server ending it for the person's rights. */
export function endsForRights(message: unknown): boolean {
  const errors = (message as { errors?: readonly { extensions?: { code?: unknown } }[] } | null)?.errors;
  return (errors ?? []).some((e) => e.extensions?.code === "SCOPES_CHANGED" || e.extensions?.code === "SESSION_EXPIRED");
}

/** Tells, on each connection, whether the one before it was lost (closed abnormally). */
export function connectionWatch() {
  let lost = false;
  return {
    closed(code: number | undefined) {
      if (code !== 1000) lost = true;
    },
    connected(): boolean {
      const again = lost;
      lost = false;
      return again;
    },
  };
}

/**
 * One urql client for the signed-in session: queries and mutations over HTTP with the
 * session cookie and the CSRF header, subscriptions over graphql-transport-ws;
 * `onSignedOut` is called when an answer says the session has ended.
 */
export function makeClient(onSignedOut: () => void = () => undefined): Client {
  const watch = connectionWatch();
  const ws = createWsClient({
    url: socketUrl(),
    lazy: true,
    retryAttempts: Infinity,
    connectionParams: () => ({ csrfToken: csrfToken() }),
    on: {
      closed: (event) => watch.closed((event as CloseEvent | undefined)?.code),
      connected: () => {
        if (watch.connected()) reconnectListeners.forEach((listener) => listener());
      },
    },
  });
  return new Client({
    url: "/graphql",
    requestPolicy: "cache-and-network",
    preferGetMethod: false, // POST: the CSRF header and long documents, one way for all
    fetchOptions: () => ({
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrfToken() },
    }),
    exchanges: [
      signedOutExchange(onSignedOut),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || "" };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, {
                next(message) {
                  sink.next(message as Parameters<typeof sink.next>[0]);
                  if (endsForRights(message)) rightsListeners.forEach((listener) => listener());
                },
                error: (error) => sink.error(error),
                complete: () => sink.complete(),
              });
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
