import { screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { OrderDetail } from "./OrderDetail";

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
      id: "O1",
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

const event = (aggregateId: string) => ({
  id: `E-${aggregateId}`,
  topic: "order.allocated",
  aggregateId,
  occurredAt: "2026-12-01T09:01:00Z",
});

function renderOrder() {
  const queries: Record<string, unknown> = { OrderDetail: read("POSITION-OF-THE-READ") };
  const view = renderSignedIn(<OrderDetail id="O1" />, queries, {}, staff);
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
    hear("OrderLive", { orderEvents: event("O1") });
    await waitFor(() => expect(reads()).toBe(before + 1));
    hear("ShipmentLive", { shipmentEvents: event("SH1") });
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
});
