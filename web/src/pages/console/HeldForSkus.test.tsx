import { screen, waitFor, within } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { burstClock } from "../../test-bursts";
import { Exceptions } from "./Exceptions";
import { changesHeld, heldRows } from "./HeldForSkus";

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

const HELD = "0c4a9d6e-0000-4000-8000-000000000005";
const hold = (reason: string, unmappedSkus: string[], placedAt: string, releasedAt: string | null = null) => ({
  id: `H-${reason}-${placedAt}`,
  reason,
  unmappedSkus,
  placedAt,
  releasedAt,
});
const order = (id: string, reference: string, holds: ReturnType<typeof hold>[]) => ({
  id,
  externalReference: reference,
  client: { id: "C1", code: "ACME" },
  holds,
});

const heldOrders = () => ({
  orders: {
    edges: [
      { node: order("O-FRAUD", "ACME-1", [hold("FRAUD_RISK", [], "2026-12-01T08:00:00Z")]) },
      {
        node: order(btoa(`Order:${HELD}`), "woo-1002", [
          hold("UNMAPPED_SKU", ["SHOP-LANTERN", "SHOP-TENT"], "2026-12-01T09:30:00Z"),
        ]),
      },
      { node: order("O-OLD", "woo-1001", [hold("UNMAPPED_SKU", ["SHOP-TENT"], "2026-12-01T09:00:00Z")]) },
    ],
    pageInfo: { hasNextPage: false },
  },
});
const noExceptions = {
  eventPosition: "POSITION-OF-THE-READ",
  orders: { edges: [], pageInfo: { hasNextPage: false } },
};

describe("orders held for unmapped SKUs", () => {
  it("lists only orders an UNMAPPED_SKU hold still holds, oldest first, with their SKUs", () => {
    const data = heldOrders();
    data.orders.edges.push({
      node: order("O-DONE", "woo-1000", [hold("UNMAPPED_SKU", [], "2026-12-01T07:00:00Z", "2026-12-01T07:30:00Z")]),
    });
    const rows = heldRows(data.orders.edges.map((edge) => edge.node) as Parameters<typeof heldRows>[0]);
    expect(rows.map((row) => [row.order.externalReference, row.skus])).toEqual([
      ["woo-1001", ["SHOP-TENT"]],
      ["woo-1002", ["SHOP-LANTERN", "SHOP-TENT"]],
    ]);
  });

  it("shows them on the Exceptions page with a link to map them", async () => {
    renderSignedIn(<Exceptions />, { ExceptionOrders: noExceptions, HeldForUnmappedSkus: heldOrders() }, {}, staff);
    const table = await screen.findByRole("table", { name: "Orders held for unmapped channel SKUs" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((row) => row.textContent)).toEqual([
      expect.stringContaining("woo-1001"),
      expect.stringContaining("woo-1002"),
    ]);
    expect([...rows[1].querySelectorAll("code")].map((code) => code.textContent)).toEqual([
      "SHOP-LANTERN",
      "SHOP-TENT",
    ]);
    const map = within(rows[1]).getByRole("link", { name: "Map the SKUs of woo-1002" });
    expect(map.getAttribute("href")).toBe("/channels");
    expect(screen.queryByText("ACME-1")).toBeNull();
  });

  it("reads the held list again for an order put on or taken off hold, not for others", async () => {
    const view = renderSignedIn(
      <Exceptions />,
      { ExceptionOrders: noExceptions, HeldForUnmappedSkus: heldOrders() },
      {},
      staff,
    );
    await screen.findByRole("table", { name: "Orders held for unmapped channel SKUs" });
    await waitFor(() => expect(view.subscribed).toHaveBeenCalledWith("OrderLive", { after: "POSITION-OF-THE-READ" }));
    const reads = () => view.sent.mock.calls.filter(([name]) => name === "HeldForUnmappedSkus").length;
    const before = reads();
    burstClock.hold();
    const orderEvent = (n: number, status: string, previous: string) => ({
      orderEvents: {
        id: `E${n}`,
        topic: status === "ON_HOLD" ? "ORDER_HELD" : "ORDER_ALLOCATED",
        aggregateType: "order",
        aggregateId: `0c4a9d6e-0000-4000-8000-00000000000${n}`,
        occurredAt: "2026-12-01T09:01:00Z",
        payload: { order_id: `0c4a9d6e-0000-4000-8000-00000000000${n}`, status, previous_status: previous },
      },
    });
    // when: another order allocated
    await burstClock.apart(() => view.hear("OrderLive", orderEvent(1, "ALLOCATED", "RECEIVED")));
    await burstClock.elapse();
    // then no read
    expect(reads()).toBe(before);
    // when: an import held
    await burstClock.apart(() => view.hear("OrderLive", orderEvent(2, "ON_HOLD", "RECEIVED")));
    // then one read
    await burstClock.elapse();
    expect(reads()).toBe(before + 1);
  });

  it("an event changes the held list when it holds, releases, or names a listed order", () => {
    const event = (status: string, previous?: string, id = "0c4a9d6e-0000-4000-8000-000000000001") => ({
      topic: "ORDER_STATUS_CHANGED",
      aggregateType: "order",
      aggregateId: id,
      payload: { order_id: id, status, previous_status: previous },
    });
    const shown = new Set([btoa(`Order:${HELD}`)]);
    expect(changesHeld(event("ON_HOLD", "RECEIVED"), shown)).toBe(true);
    expect(changesHeld(event("ALLOCATED", "ON_HOLD"), shown)).toBe(true);
    expect(changesHeld(event("CANCELLED", "ALLOCATED", HELD), shown)).toBe(true);
    expect(changesHeld(event("PICKING", "ALLOCATED"), shown)).toBe(false);
  });
});
