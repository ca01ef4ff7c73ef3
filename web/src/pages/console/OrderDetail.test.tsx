import { screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { orderNodeId } from "../shared/boardUpdates";
import { burstClock } from "../../test-bursts";
import { OrderDetail } from "./OrderDetail";

/** The page's order (events name it by its bare id, the API by its global one). */
const ORDER = "0c4a9d6e-0000-4000-8000-000000000001";
const OTHER = "0c4a9d6e-0000-4000-8000-000000000002";
const ORDER_ID = orderNodeId(ORDER);

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

/** The server's answer to the page's read, standing at `position`. */
function read(position: string) {
  return {
    eventPosition: position,
    order: {
      id: ORDER_ID,
      externalReference: "ACME-1001",
      status: "RECEIVED",
      serviceLevel: "STANDARD",
      createdAt: "2026-12-01T09:00:00Z",
      updatedAt: "2026-12-01T09:00:00Z",
      cancelledAt: null,
      createdBy: "api",
      client: { code: "ACME", name: "Acme Outdoor" },
      shipTo: {
        name: "Ada Park",
        company: null,
        line1: "1 Main St",
        line2: null,
        city: "Reno",
        region: "NV",
        postalCode: "89501",
        country: "US",
      },
      lines: [],
      holds: [],
      fulfillmentOrders: [],
    },
  };
}

/** An order event about `order` (its aggregate). */
const event = (order: string, n = 1) => ({
  id: `E-${order}-${n}`,
  topic: "ORDER_ALLOCATED",
  aggregateType: "order",
  aggregateId: order,
  occurredAt: "2026-12-01T09:01:00Z",
  payload: { order_id: order, status: "ALLOCATED" },
});

/** A shipment event about a shipment of `order` (which its payload names). */
const shipmentEvent = (order: string) => ({
  id: `E-SH-${order}`,
  topic: "SHIPMENT_CREATED",
  aggregateType: "shipment",
  aggregateId: "5b7e0000-0000-4000-8000-000000000009",
  occurredAt: "2026-12-01T09:01:00Z",
  payload: { shipment_id: "5b7e0000-0000-4000-8000-000000000009", order_id: order },
});


function renderOrder() {
  const queries: Record<string, unknown> = { OrderDetail: read("POSITION-OF-THE-READ") };
  const view = renderSignedIn(<OrderDetail id={ORDER_ID} />, queries, {}, staff);
  const reads = () => view.sent.mock.calls.filter(([name]) => name === "OrderDetail").length;
  const started = (name: string) => view.subscribed.mock.calls.filter(([n]) => n === name);
  return { ...view, queries, reads, started };
}

describe("order detail, live", () => {
  it("subscribes to order and shipment events from the position of its read", async () => {
    const { started } = renderOrder();
    await screen.findByText(/ACME-1001/);

    await waitFor(() => expect(started("OrderLive")).toHaveLength(1));
    expect(started("OrderLive")[0][1]).toEqual({ after: "POSITION-OF-THE-READ" });
    await waitFor(() => expect(started("ShipmentLive")).toHaveLength(1));
    expect(started("ShipmentLive")[0][1]).toEqual({ after: "POSITION-OF-THE-READ" });
  });

  it("reads again on each event and keeps its subscriptions (no replay, no restart)", async () => {
    const { queries, hear, reads, started } = renderOrder();
    await waitFor(() => expect(started("ShipmentLive")).toHaveLength(1));
    const before = reads();
    // when: an event; the server's next read has a new position
    queries.OrderDetail = read("POSITION-2");
    hear("OrderLive", { orderEvents: event(ORDER) });
    await waitFor(() => expect(reads()).toBe(before + 1));
    hear("ShipmentLive", { shipmentEvents: shipmentEvent(ORDER) });
    await waitFor(() => expect(reads()).toBe(before + 2));
    // then
    expect(started("OrderLive")).toHaveLength(1);
    expect(started("ShipmentLive")).toHaveLength(1);
  });

  it("reads afresh when a position is refused, and subscribes from the new read's", async () => {
    const { queries, refuse, reads, started } = renderOrder();
    await waitFor(() => expect(started("OrderLive")).toHaveLength(1));
    const before = reads();
    // when
    queries.OrderDetail = read("POSITION-2");
    refuse("OrderLive", "EVENT_POSITION_EXPIRED");
    // then: read again, the refused one started again from the new position, the other kept
    await waitFor(() => expect(reads()).toBe(before + 1));
    await waitFor(() => expect(started("OrderLive")).toHaveLength(2));
    expect(started("OrderLive")[1][1]).toEqual({ after: "POSITION-2" });
    expect(started("ShipmentLive")).toHaveLength(1);
  });

  it("does not read again for events about other orders", async () => {
    const { hear, reads, started } = renderOrder();
    await waitFor(() => expect(started("ShipmentLive")).toHaveLength(1));
    const before = reads();
    burstClock.hold();
    // when: another order's event and a shipment of another order
    await burstClock.apart(() => hear("OrderLive", { orderEvents: event(OTHER) }));
    await burstClock.apart(() => hear("ShipmentLive", { shipmentEvents: shipmentEvent(OTHER) }));
    await burstClock.elapse();
    // then
    expect(reads()).toBe(before);
    // and its own order's event still does
    await burstClock.apart(() => hear("OrderLive", { orderEvents: event(ORDER) }));
    await burstClock.elapse();
    expect(reads()).toBe(before + 1);
  });

  it("reads once for a burst of events (on both subscriptions), however many", async () => {
    const { hear, reads, started } = renderOrder();
    await waitFor(() => expect(started("ShipmentLive")).toHaveLength(1));
    const before = reads();
    burstClock.hold();
    // when: ten events about the order (others' among them), and its shipment's, each heard
    // in its own render
    for (let n = 1; n <= 10; n++) {
      await burstClock.apart(() => hear("OrderLive", { orderEvents: event(n % 3 ? ORDER : OTHER, n) }));
    }
    await burstClock.apart(() => hear("ShipmentLive", { shipmentEvents: shipmentEvent(ORDER) }));
    // then: no read while the burst lasts, and one (not ten) once its time has passed
    expect(reads()).toBe(before);
    await burstClock.elapse();
    expect(reads()).toBe(before + 1);
  });
});

describe("order detail, holds", () => {
  const hold = (reason: string, unmappedSkus: string[], note: string | null, releasedAt: string | null = null) => ({
    id: `H-${reason}`,
    reason,
    note,
    unmappedSkus,
    placedBy: "key:cd_live",
    placedAt: "2026-12-01T09:00:00Z",
    releasedBy: releasedAt ? "key:cd_live" : null,
    releasedAt,
  });

  function renderHeld(holds: ReturnType<typeof hold>[]) {
    const answer = read("POSITION-OF-THE-READ");
    answer.order = { ...answer.order, status: "ON_HOLD", holds } as typeof answer.order;
    return renderSignedIn(<OrderDetail id={ORDER_ID} />, { OrderDetail: answer }, {}, staff);
  }

  it("names each unmapped channel SKU of a hold, with where to map them", async () => {
    renderHeld([hold("UNMAPPED_SKU", ["SHOP-LANTERN", "SHOP-TENT"], "Unmapped channel SKUs: SHOP-LANTERN, SHOP-TENT")]);
    const item = (await screen.findByText("SHOP-LANTERN")).closest("li") as HTMLElement;
    expect(item.querySelectorAll("code")).toHaveLength(2);
    expect(item.textContent).toContain("SHOP-LANTERN, SHOP-TENT");
    expect(item.textContent).not.toContain("Unmapped channel SKUs:");
    const link = screen.getByRole("link", { name: /map them/ });
    expect(link.getAttribute("href")).toBe("/channels");
  });

  it("shows a note for other holds, and no mapping hint once released", async () => {
    renderHeld([
      hold("FRAUD_RISK", [], "Card flagged"),
      hold("UNMAPPED_SKU", ["SHOP-TENT"], "Unmapped channel SKUs: SHOP-TENT", "2026-12-01T10:00:00Z"),
    ]);
    expect(await screen.findByText(/Card flagged/)).toBeTruthy();
    expect(screen.getByText("SHOP-TENT")).toBeTruthy();
    expect(screen.queryByRole("link", { name: /map them/ })).toBeNull();
  });
});
