import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "@urql/core";
import { createClient as createWsClient } from "graphql-ws";
import { csrfToken } from "./cookies";
import { signedOutExchange } from "./signedOut";

/** The GraphQL endpoint's WebSocket URL on this page's origin. */
export function socketUrl(location: Location = window.location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/graphql`;
}

type Variables = Record<string, unknown>;

/**
 * A subscription's payload that follows the positions its events carry: `payload` is what
 * the socket sends to subscribe, again after each reconnect, and `heard(message)` moves its
 * `after` to the newest event's `position`. So a page whose connection dropped resumes
 * after the last event it heard, hearing what it missed meanwhile (and perhaps the settle
 * window's events again), rather than from its first read's position, replaying everything
 * since. A subscription without an `after` variable is left as it is.
 */
export function resumingPayload<R extends { query: string; variables?: Variables }>(request: R) {
  const variables: Variables | undefined = request.variables ? { ...request.variables } : undefined;
  const payload = { ...request, variables };
  const heard = (message: unknown) => {
    if (!variables || !("after" in variables)) return;
    const data = (message as { data?: Record<string, unknown> | null } | null)?.data;
    for (const value of Object.values(data ?? {})) {
      const position = (value as { position?: unknown } | null)?.position;
      if (typeof position === "string") variables.after = position;
    }
  };
  return { payload, heard };
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

/**
 * One urql client for the signed-in session: queries and mutations over HTTP with the
 * session cookie and the CSRF header, subscriptions over graphql-transport-ws;
 * `onSignedOut` is called when an answer says the session has ended.
 */
export function makeClient(onSignedOut: () => void = () => undefined): Client {
  // (a lost connection is retried, each subscription sent again from its newest position)
  const ws = createWsClient({
    url: socketUrl(),
    lazy: true,
    retryAttempts: Infinity,
    connectionParams: () => ({ csrfToken: csrfToken() }),
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
          const { payload, heard } = resumingPayload({ ...request, query: request.query || "" });
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(payload, {
                next(message) {
                  heard(message);
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
