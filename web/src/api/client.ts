import { Client, cacheExchange, fetchExchange, subscriptionExchange } from "@urql/core";
import { createClient as createWsClient } from "graphql-ws";
import { csrfToken } from "./cookies";

/** The GraphQL endpoint's WebSocket URL on this page's origin. */
export function socketUrl(location: Location = window.location): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/graphql`;
}

/**
 * One urql client for the signed-in session: queries and mutations over HTTP with the
 * session cookie and the CSRF header, subscriptions over graphql-transport-ws.
 */
export function makeClient(): Client {
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
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || "" };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
}
