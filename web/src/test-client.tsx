import { type Client, CombinedError, type OperationResult } from "@urql/core";
import { Provider } from "@urql/preact";
import { render } from "@testing-library/preact";
import type { ComponentChildren } from "preact";
import { vi } from "vitest";
import { fromValue, makeSubject, type Subject } from "wonka";
import { type Session, SessionContext } from "./session";

type Answers = Record<string, unknown>;

function operationName(operation: any): string {
  const definition = operation.query?.definitions?.find((d: any) => d.kind === "OperationDefinition");
  return definition?.name?.value ?? "";
}

/**
 * A page rendered as a signed-in person sees it, against a stand-in for the GraphQL server:
 * `queries` and `mutations` answer each operation by name, and `sent` records every one
 * sent with its variables. Subscriptions stay silent unless the test drives them:
 * `subscribed` records each one started (its name and variables), `hear(name, data)` sends
 * one an event, `refuse(name, code)` ends it with an error of that code.
 */
export function renderSignedIn(
  page: ComponentChildren,
  queries: Answers,
  mutations: Answers = {},
  session: Partial<Session> = {},
) {
  const sent = vi.fn();
  const subscribed = vi.fn();
  const subscriptions = new Map<string, Subject<OperationResult>>();
  const subscription = (name: string) => {
    if (!subscriptions.has(name)) subscriptions.set(name, makeSubject<OperationResult>());
    return subscriptions.get(name)!;
  };
  const hear = (name: string, data: unknown) =>
    subscription(name).next({ data, stale: false, hasNext: true } as unknown as OperationResult);
  const refuse = (name: string, code: string) =>
    subscription(name).next({
      error: new CombinedError({ graphQLErrors: [{ message: "refused", extensions: { code } }] }),
      stale: false,
      hasNext: false,
    } as unknown as OperationResult);
  const answer = (operation: any, answers: Answers) =>
    fromValue({ operation, data: answers[operationName(operation)], stale: false, hasNext: false } as OperationResult);
  const client = {
    executeQuery: (operation: any) => {
      sent(operationName(operation), operation.variables);
      return answer(operation, queries);
    },
    executeMutation: (operation: any) => {
      sent(operationName(operation), operation.variables);
      return answer(operation, mutations);
    },
    executeSubscription: (operation: any) => {
      subscribed(operationName(operation), operation.variables);
      return subscription(operationName(operation)).source;
    },
    // a page asking once, outside a hook (client.query(...).toPromise())
    query: (query: unknown, variables: unknown) => {
      const operation = { query, variables };
      sent(operationName(operation), variables);
      return { toPromise: async () => ({ operation, data: queries[operationName(operation)] }) };
    },
  } as unknown as Client;
  const signedIn: Session = {
    viewer: {
      kind: "SUPPLIER",
      scopes: [],
      keyPrefix: null,
      user: null,
      provider: { id: "p", name: "Northwind Fulfilment" },
      client: null,
      supplier: { id: "s", name: "Trail Gear Co" },
    },
    timeZone: "UTC",
    signOut: () => undefined,
    ...session,
  };
  const view = render(
    <Provider value={client}>
      <SessionContext.Provider value={signedIn}>{page}</SessionContext.Provider>
    </Provider>,
  );
  return { ...view, sent, subscribed, hear, refuse };
}
