import { type Client, CombinedError, type OperationResult } from "@urql/core";
import { Provider } from "@urql/preact";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fromValue, makeSubject } from "wonka";
import { SessionContext, type Session } from "../../session";
import { burstClock } from "../../test-bursts";
import { OrderBoard } from "./OrderBoard";

const staff: Session = {
  viewer: {
    kind: "PROVIDER",
    scopes: [],
    keyPrefix: null,
    user: { id: "U1", name: "Olivia Ortega", role: "PROVIDER_ADMIN" },
    provider: { id: "p", name: "Northwind Fulfilment" },
    client: null,
    supplier: null,
  },
  timeZone: "UTC",
  signOut: () => undefined,
};

function row(id: string, reference: string, status: string) {
  return {
    id: btoa(`Order:${id}`),
    externalReference: reference,
    status,
    serviceLevel: "STANDARD",
    createdAt: "2026-12-01T09:00:00Z",
    updatedAt: "2026-12-01T09:00:00Z",
    client: { id: "C1", code: "ACME" },
    fulfillmentOrders: [],
  };
}

function operationName(operation: any): string {
  const definition = operation.query?.definitions?.find((d: any) => d.kind === "OperationDefinition");
  return definition?.name?.value ?? "";
}

/** The board against a stand-in server whose subscription the test drives. */
function renderBoard(answers: Record<string, unknown>) {
  const events = makeSubject<OperationResult>();
  const subscribed = vi.fn();
  const sent = vi.fn();
  const client = {
    executeQuery: (operation: any) => {
      sent(operationName(operation), operation.variables);
      // a copy: each answer is a new object, as from a server
      const data = structuredClone(answers[operationName(operation)]);
      return fromValue({ operation, data, stale: false, hasNext: false });
    },
    executeSubscription: (operation: any) => {
      subscribed(operation.variables);
      return events.source;
    },
    query: (query: unknown, variables: unknown) => {
      const operation = { query, variables };
      sent(operationName(operation), variables);
      return { toPromise: async () => ({ operation, data: answers[operationName(operation)] }) };
    },
  } as unknown as Client;
  render(
    <Provider value={client}>
      <SessionContext.Provider value={staff}>
        <OrderBoard />
      </SessionContext.Provider>
    </Provider>,
  );
  const hear = (aggregateId: string, topic: string, payload: unknown) =>
    events.next({
      data: { orderEvents: { id: `E-${aggregateId}`, topic, aggregateId, occurredAt: "2026-12-01T09:01:00Z", payload } },
      stale: false,
      hasNext: true,
    } as unknown as OperationResult);
  const refuse = (code: string) =>
    events.next({
      error: new CombinedError({ graphQLErrors: [{ message: "refused", extensions: { code } }] }),
      stale: false,
      hasNext: false,
    } as unknown as OperationResult);
  return { subscribed, sent, hear, refuse };
}

let read: any;
const firstRead = () => ({
  eventPosition: "POSITION-OF-THE-READ",
  orderStatusCounts: [{ status: "RECEIVED", count: 1 }],
  orders: { edges: [{ cursor: "c1", node: row("o1", "SO-1", "RECEIVED") }], pageInfo: { hasNextPage: false, endCursor: "c1" } },
});

function countOf(status: string): string {
  const counts = screen.getByRole("list", { name: "Orders by status" });
  const button = within(counts).getByRole("button", { name: new RegExp(status, "i") });
  return button.querySelector(".count-value")!.textContent!;
}

describe("OrderBoard", () => {
  beforeEach(() => {
    read = firstRead();
  });

  it("subscribes from the position of its read", async () => {
    const { subscribed } = renderBoard({ BoardOrders: read, BoardClients: { clients: { edges: [] }, warehouses: { edges: [] } } });
    await screen.findByText("SO-1");
    await waitFor(() => expect(subscribed).toHaveBeenCalled());
    expect(subscribed).toHaveBeenCalledTimes(1);
    expect(subscribed.mock.calls[0][0]).toEqual({ after: "POSITION-OF-THE-READ" });
  });

  it("shows an order the read missed and takes the counts as read again, not added up", async () => {
    // given: the server now has SO-1 (the read counted it) and SO-2 (made after the read)
    const changed = {
      orderStatusCounts: [{ status: "RECEIVED", count: 2 }],
      nodes: [row("o1", "SO-1", "RECEIVED"), row("o2", "SO-2", "RECEIVED")],
    };
    const { subscribed, sent, hear } = renderBoard({
      BoardOrders: read,
      BoardClients: { clients: { edges: [] }, warehouses: { edges: [] } },
      BoardChangedOrders: changed,
    });
    await screen.findByText("SO-1");
    await waitFor(() => expect(subscribed).toHaveBeenCalled());
    // when: the feed delivers both creations (SO-1's again: it was within the settle window),
    // each heard in its own render
    burstClock.hold();
    await burstClock.apart(() => hear("o1", "ORDER_CREATED", { status: "RECEIVED" }));
    await burstClock.apart(() => hear("o2", "ORDER_CREATED", { status: "RECEIVED" }));
    const asked = () => sent.mock.calls.filter(([name]) => name === "BoardChangedOrders");
    expect(asked()).toHaveLength(0);
    await burstClock.elapse();
    // then: one request for both orders; SO-2 appears and RECEIVED counts 2, not 3
    expect(screen.getByText("SO-2")).toBeTruthy();
    expect(countOf("Received")).toBe("2");
    expect(asked()).toHaveLength(1);
    expect(asked()[0][1].ids).toEqual([btoa("Order:o1"), btoa("Order:o2")]);
  });

  it("reads its page again when the subscription refuses the read's position as too old", async () => {
    const { subscribed, sent, refuse } = renderBoard({
      BoardOrders: read,
      BoardClients: { clients: { edges: [] }, warehouses: { edges: [] } },
    });
    await screen.findByText("SO-1");
    await waitFor(() => expect(subscribed).toHaveBeenCalled());
    const reads = () => sent.mock.calls.filter(([name]) => name === "BoardOrders").length;
    const before = reads();
    // when: refused; the server's next read has a new position
    read.eventPosition = "POSITION-2";
    refuse("EVENT_POSITION_EXPIRED");
    // then: read again, and subscribed again from the new read's position
    await waitFor(() => expect(reads()).toBe(before + 1));
    await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(2));
    expect(subscribed.mock.calls[1][0]).toEqual({ after: "POSITION-2" });
  });

  it("keeps its subscription when it reads again (no replay, no restart)", async () => {
    const { subscribed, sent } = renderBoard({
      BoardOrders: read,
      BoardClients: { clients: { edges: [] }, warehouses: { edges: [] } },
    });
    await screen.findByText("SO-1");
    await waitFor(() => expect(subscribed).toHaveBeenCalled());
    // when: a filter changes (the board reads again, with a new position)
    read.eventPosition = "POSITION-2";
    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "RECEIVED" } });
    await waitFor(() =>
      expect(sent.mock.calls.filter(([name]) => name === "BoardOrders").length).toBeGreaterThan(1),
    );
    // then
    expect(subscribed).toHaveBeenCalledTimes(1);
  });
});
