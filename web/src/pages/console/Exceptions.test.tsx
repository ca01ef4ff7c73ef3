import type { Client } from "@urql/core";
import { Provider } from "@urql/preact";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/preact";
import { describe, expect, it, vi } from "vitest";
import { never } from "wonka";
import { SessionContext } from "../../session";
import { renderSignedIn } from "../../test-client";
import { burstClock } from "../../test-bursts";
import { Exceptions } from "./Exceptions";

const staff = {
  viewer: {
    kind: "PROVIDER" as const,
    scopes: [],
    keyPrefix: null,
    user: { id: "U1", name: "Olivia Ortega", role: "PROVIDER_ADMIN" as const },
    provider: { id: "p", name: "Northwind Fulfilment" },
    client: null,
    supplier: null,
  },
};

const fo = {
  labelRefusal: null,
  overdueAt: null,
  warehouse: null,
  supplier: null,
  dispatch: null,
  updatedAt: "2026-12-01T09:00:00Z",
};

/** Two orders in EXCEPTION: a warehouse's refused dispatch (beside a packed share) and a late supplier. */
function exceptionOrders() {
  return {
    orders: {
      edges: [
        {
          node: {
            id: "O1",
            externalReference: "ACME-1001",
            client: { id: "C1", code: "ACME" },
            fulfillmentOrders: [
              {
                ...fo,
                id: "FO1",
                status: "EXCEPTION",
                exceptionReason: "DISPATCH_FAILED",
                warehouse: { id: "W1", code: "LEEDS" },
                dispatch: { exceptionReason: "Address refused: no such street", updatedAt: "2026-12-01T08:30:00Z" },
              },
              { ...fo, id: "FO2", status: "PACKED", exceptionReason: null, warehouse: { id: "W2", code: "YORK" } },
            ],
          },
        },
        {
          node: {
            id: "O2",
            externalReference: "BETA-7",
            client: { id: "C2", code: "BETA" },
            fulfillmentOrders: [
              {
                ...fo,
                id: "FO3",
                status: "EXCEPTION",
                exceptionReason: "SHIP_OVERDUE",
                overdueAt: "2026-12-01T07:15:00Z",
                supplier: { id: "S1", name: "Trail Gear Co" },
              },
            ],
          },
        },
      ],
      pageInfo: { hasNextPage: false },
    },
  };
}

const noneLeft = { orders: { edges: [], pageInfo: { hasNextPage: false } } };

function rowsOf() {
  const table = screen.getByRole("table", { name: "Fulfillment orders in exception" });
  return within(table).getAllByRole("row").slice(1);
}

describe("exceptions page", () => {
  it("lists each fulfillment order in exception, oldest first, with client, order, source, reason and since", () => {
    const { sent } = renderSignedIn(<Exceptions />, { ExceptionOrders: exceptionOrders() }, {}, staff);

    const rows = rowsOf();
    expect(rows.map((row) => row.textContent)).toEqual([
      expect.stringContaining("BETA"),
      expect.stringContaining("ACME"),
    ]);
    expect(rows).toHaveLength(2); // the packed share is not an exception
    const [late, refused] = rows;
    expect(late.textContent).toContain("Trail Gear Co");
    expect(late.textContent).toContain("Ship overdue");
    expect(within(late).getByText(/Dec 1, 2026/).getAttribute("dateTime")).toBe("2026-12-01T07:15:00Z");
    expect(refused.textContent).toContain("LEEDS");
    expect(refused.textContent).toContain("Dispatch failed: Address refused: no such street");
    expect(within(refused).getByRole("link", { name: "ACME-1001" }).getAttribute("href")).toBe("/orders/O1");
    expect(within(refused).getByText(/Dec 1, 2026/).getAttribute("dateTime")).toBe("2026-12-01T08:30:00Z");
    expect(sent).toHaveBeenCalledWith("ExceptionOrders", { first: 100 });
  });

  it("shows a refused retry beside its row and keeps the row", async () => {
    const { sent } = renderSignedIn(
      <Exceptions />,
      { ExceptionOrders: exceptionOrders() },
      {
        RetryDispatch: {
          retryDispatch: {
            userErrors: [{ field: ["input", "id"], code: "ILLEGAL_TRANSITION", message: "Fix the address first." }],
          },
        },
      },
      staff,
    );
    fireEvent.click(screen.getByRole("button", { name: "Retry ACME-1001 from LEEDS" }));

    await waitFor(() => expect(within(rowsOf()[1]).getByRole("alert").textContent).toContain("Fix the address first."));
    expect(sent).toHaveBeenCalledWith("RetryDispatch", { id: "FO1" });
    expect(within(rowsOf()[0]).queryByRole("alert")).toBeNull();
    expect(rowsOf()).toHaveLength(2);
  });

  /** The page after a successful Retry of ACME-1001's LEEDS part, the server answering `parts`. */
  function retried(list: ReturnType<typeof exceptionOrders> | typeof noneLeft, parts: object[]) {
    const queries: Record<string, unknown> = { ExceptionOrders: exceptionOrders() };
    const view = renderSignedIn(
      <Exceptions />,
      queries,
      { RetryDispatch: { retryDispatch: { userErrors: [] } } },
      staff,
    );
    queries.ExceptionOrders = list;
    queries.RetriedParts = { nodes: [{ id: "O1", fulfillmentOrders: parts }] };
    fireEvent.click(screen.getByRole("button", { name: "Retry ACME-1001 from LEEDS" }));
    return view;
  }

  function withoutAcme() {
    const answer = exceptionOrders();
    answer.orders.edges = answer.orders.edges.slice(1); // the server has it PACKED again
    return answer;
  }

  it("keeps a retried row, marked as retrying, while the carrier has not answered", async () => {
    const { sent } = retried(withoutAcme(), [
      { id: "FO1", status: "PACKED", updatedAt: "2026-12-01T09:05:00Z" },
      { id: "FO2", status: "PACKED", updatedAt: "2026-12-01T09:00:00Z" },
    ]);

    await waitFor(() => expect(sent).toHaveBeenCalledWith("RetriedParts", { ids: ["O1"] }));
    await waitFor(() => expect(rowsOf()[1].textContent).toContain("Retrying: waiting for the carrier's answer"));
    expect(rowsOf()).toHaveLength(2);
    const button = within(rowsOf()[1]).getByRole("button", { name: "Retry ACME-1001 from LEEDS" });
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(sent.mock.calls.filter(([name]) => name === "ExceptionOrders").length).toBeGreaterThan(1);
  });

  it("shows the carrier's new words when the retry is refused again", async () => {
    const again = exceptionOrders();
    const part = again.orders.edges[0].node.fulfillmentOrders[0];
    part.updatedAt = "2026-12-01T09:06:00Z";
    part.dispatch = { exceptionReason: "Parcel too heavy: 40 kg", updatedAt: "2026-12-01T09:06:00Z" };
    retried(again, [{ id: "FO1", status: "EXCEPTION", updatedAt: "2026-12-01T09:06:00Z" }]);

    await waitFor(() => expect(rowsOf()[1].textContent).toContain("Refused again"));
    expect(rowsOf()[1].textContent).toContain("Dispatch failed: Parcel too heavy: 40 kg");
    const button = within(rowsOf()[1]).getByRole("button", { name: "Retry ACME-1001 from LEEDS" });
    expect((button as HTMLButtonElement).disabled).toBe(false);
  });

  it("drops a retried row once it ships, and says so", async () => {
    retried(withoutAcme(), [{ id: "FO1", status: "SHIPPED", updatedAt: "2026-12-01T09:07:00Z" }]);

    await waitFor(() => expect(rowsOf()).toHaveLength(1));
    expect(rowsOf()[0].textContent).toContain("BETA-7");
    expect(screen.getByRole("status").textContent).toBe("ACME-1001 from LEEDS shipped.");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("says so when nothing is in exception", () => {
    renderSignedIn(<Exceptions />, { ExceptionOrders: noneLeft }, {}, staff);
    expect(screen.getByText("No fulfillment order is in exception.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: /Retry/ })).toBeNull();
  });

  it("says it is loading until the list comes", () => {
    const client = { executeQuery: vi.fn(() => never), executeSubscription: () => never } as unknown as Client;
    render(
      <Provider value={client}>
        <SessionContext.Provider value={{ ...staff, timeZone: "UTC", signOut: () => undefined }}>
          <Exceptions />
        </SessionContext.Provider>
      </Provider>,
    );
    expect(screen.getByRole("status").textContent).toBe("Loading exceptions…");
    expect(screen.queryByRole("table")).toBeNull();
  });
});

describe("exceptions page, live", () => {
  const at = (position: string) => ({ eventPosition: position, ...exceptionOrders() });
  /** An order event: `topic` of an order now `status` (and before `previous`, if it moved). */
  const orderEvent = (n: number, topic: string, status: string, previous?: string) => ({
    orderEvents: {
      id: `E${n}`,
      topic,
      aggregateType: "order",
      aggregateId: `0c4a9d6e-0000-4000-8000-00000000000${n % 10}`,
      occurredAt: "2026-12-01T09:01:00Z",
      payload: { order_id: `0c4a9d6e-0000-4000-8000-00000000000${n % 10}`, status, previous_status: previous },
    },
  });
  const event = orderEvent(3, "ORDER_EXCEPTION", "EXCEPTION", "ALLOCATED");

  /** A fulfillment order or shipment event of order `n` (its payload names the order). */
  const shipmentEvent = (n: number, topic: string, aggregateType: string, status?: string) => ({
    shipmentEvents: {
      id: `S${n}`,
      position: `P${n}`,
      topic,
      aggregateType,
      aggregateId: `5f1e0c2a-0000-4000-8000-00000000000${n % 10}`,
      occurredAt: "2026-12-01T09:01:00Z",
      payload: { order_id: `0c4a9d6e-0000-4000-8000-00000000000${n % 10}`, status },
    },
  });
  /** The bare id of the listed order ACME-1001 (events name it so; the page lists global ids). */
  const LISTED = "0c4a9d6e-0000-4000-8000-000000000009";

  function renderLive() {
    const queries: Record<string, unknown> = { ExceptionOrders: at("POSITION-OF-THE-READ") };
    const page = at("POSITION-OF-THE-READ");
    page.orders.edges[0].node.id = btoa(`Order:${LISTED}`);
    queries.ExceptionOrders = page;
    const view = renderSignedIn(<Exceptions />, queries, {}, staff);
    const reads = () => view.sent.mock.calls.filter(([name]) => name === "ExceptionOrders").length;
    const starts = (name: string) => view.subscribed.mock.calls.filter(([n]) => n === name).length;
    const subscribedToBoth = () =>
      waitFor(() => expect([starts("OrderLive"), starts("ShipmentLive")]).toEqual([1, 1]));
    return { ...view, queries, reads, starts, subscribedToBoth };
  }

  it("subscribes to order and shipment events from the position of its read", async () => {
    const { subscribed, subscribedToBoth } = renderLive();

    await subscribedToBoth();
    expect(subscribed).toHaveBeenCalledWith("OrderLive", { after: "POSITION-OF-THE-READ" });
    expect(subscribed).toHaveBeenCalledWith("ShipmentLive", { after: "POSITION-OF-THE-READ" });
  });

  it("reads again when a listed order's share ships though its order stays in EXCEPTION", async () => {
    const { hear, reads, subscribedToBoth } = renderLive();
    await subscribedToBoth();
    const before = reads();
    // when: no order event (the order has another share in EXCEPTION), only the shipment's
    hear("ShipmentLive", shipmentEvent(9, "FULFILLMENT_SHIPPED", "fulfillment_order", "SHIPPED"));
    // then
    await waitFor(() => expect(reads()).toBe(before + 1));
  });

  it("reads again for a fulfillment order put in EXCEPTION, of an order not listed yet", async () => {
    const { hear, reads, subscribedToBoth } = renderLive();
    await subscribedToBoth();
    const before = reads();
    // when: a supplier missed its deadline (the shipment events' side of it)
    hear("ShipmentLive", shipmentEvent(7, "FULFILLMENT_OVERDUE", "fulfillment_order", "EXCEPTION"));
    // then
    await waitFor(() => expect(reads()).toBe(before + 1));
  });

  it("does not read again for shipment events of orders it does not list", async () => {
    const { hear, reads, subscribedToBoth } = renderLive();
    await subscribedToBoth();
    const before = reads();
    burstClock.hold();
    // when: other orders' labels bought, tracking moved, shares packed, shipped, routed
    await burstClock.apart(() => hear("ShipmentLive", shipmentEvent(2, "SHIPMENT_CREATED", "shipment")));
    await burstClock.apart(() => hear("ShipmentLive", shipmentEvent(3, "SHIPMENT_TRACKING_UPDATED", "shipment")));
    await burstClock.apart(() => hear("ShipmentLive", shipmentEvent(4, "FULFILLMENT_PACKED", "fulfillment_order", "PACKED")));
    await burstClock.apart(() => hear("ShipmentLive", shipmentEvent(5, "FULFILLMENT_SHIPPED", "fulfillment_order", "SHIPPED")));
    await burstClock.apart(() => hear("ShipmentLive", shipmentEvent(6, "FULFILLMENT_ROUTED", "fulfillment_order", "ALLOCATED")));
    await burstClock.elapse();
    // then
    expect(reads()).toBe(before);
  });

  it("reads once for a burst of shipment events, however many", async () => {
    const { hear, reads, subscribedToBoth } = renderLive();
    await subscribedToBoth();
    const before = reads();
    burstClock.hold();
    // when: ten labels of the listed order's shares and overdue shares, each heard in its own
    // render
    for (let n = 1; n <= 10; n++) {
      await burstClock.apart(() =>
        hear(
          "ShipmentLive",
          n % 2
            ? shipmentEvent(9, "SHIPMENT_CREATED", "shipment")
            : shipmentEvent(n, "FULFILLMENT_OVERDUE", "fulfillment_order", "EXCEPTION"),
        ),
      );
    }
    // then: no read while the burst lasts, and one (not ten) once its time has passed
    expect(reads()).toBe(before);
    await burstClock.elapse();
    expect(reads()).toBe(before + 1);
  });

  it("reads again on an event and keeps its subscription (no replay, no restart)", async () => {
    const { hear, queries, reads, starts, subscribedToBoth } = renderLive();
    await subscribedToBoth();
    const before = reads();
    // when: an event; the server's next read has a new position
    queries.ExceptionOrders = at("POSITION-2");
    hear("OrderLive", event);
    await waitFor(() => expect(reads()).toBe(before + 1));
    hear("OrderLive", { orderEvents: { ...event.orderEvents, id: "E2" } });
    await waitFor(() => expect(reads()).toBe(before + 2));
    // then
    expect([starts("OrderLive"), starts("ShipmentLive")]).toEqual([1, 1]);
  });

  it("reads afresh when its position is refused, and subscribes from the new read's", async () => {
    const { subscribed, refuse, queries, reads, starts, subscribedToBoth } = renderLive();
    await subscribedToBoth();
    const before = reads();
    // when
    queries.ExceptionOrders = at("POSITION-2");
    refuse("ShipmentLive", "INVALID_EVENT_POSITION");
    // then
    await waitFor(() => expect(reads()).toBe(before + 1));
    await waitFor(() => expect(starts("ShipmentLive")).toBe(2));
    expect(subscribed).toHaveBeenLastCalledWith("ShipmentLive", { after: "POSITION-2" });
  });

  it("reads once for a burst of events, however many", async () => {
    const { hear, reads, subscribedToBoth } = renderLive();
    await subscribedToBoth();
    const before = reads();
    burstClock.hold();
    // when: ten orders go into EXCEPTION (or come out) at once (each heard in its own render)
    for (let n = 1; n <= 10; n++) {
      await burstClock.apart(() =>
        hear("OrderLive", n % 2 ? orderEvent(n, "ORDER_EXCEPTION", "EXCEPTION", "ALLOCATED") : orderEvent(n, "ORDER_SHIPPED", "SHIPPED", "EXCEPTION")),
      );
    }
    // then: no read while the burst lasts, and one (not ten) once its time has passed
    expect(reads()).toBe(before);
    await burstClock.elapse();
    expect(reads()).toBe(before + 1);
  });

  it("does not read again for events that cannot change the list", async () => {
    const { hear, reads, subscribedToBoth } = renderLive();
    await subscribedToBoth();
    const before = reads();
    burstClock.hold();
    // when: a new order, and orders (not listed) allocated, held, shipped
    await burstClock.apart(() => hear("OrderLive", orderEvent(1, "ORDER_CREATED", "RECEIVED")));
    await burstClock.apart(() => hear("OrderLive", orderEvent(2, "ORDER_ALLOCATED", "ALLOCATED", "RECEIVED")));
    await burstClock.apart(() => hear("OrderLive", orderEvent(4, "ORDER_HELD", "ON_HOLD", "ALLOCATED")));
    await burstClock.apart(() => hear("OrderLive", orderEvent(5, "ORDER_SHIPPED", "SHIPPED", "ALLOCATED")));
    await burstClock.elapse();
    // then
    expect(reads()).toBe(before);
    // and one taking an order out of EXCEPTION does
    await burstClock.apart(() => hear("OrderLive", orderEvent(6, "ORDER_RELEASED", "ALLOCATED", "EXCEPTION")));
    await burstClock.elapse();
    expect(reads()).toBe(before + 1);
  });
});
