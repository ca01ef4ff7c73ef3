import { screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import type { Session } from "../../session";
import { renderSignedIn } from "../../test-client";
import { burstClock } from "../../test-bursts";
import { ClientOrders } from "./ClientOrders";

const merchant: Partial<Session> = {
  viewer: {
    kind: "CLIENT",
    scopes: [],
    keyPrefix: null,
    user: { id: "U2", name: "Ada Client", role: "CLIENT_ADMIN" },
    provider: { id: "p", name: "Northwind Fulfilment" },
    client: { id: "C1", code: "ACME", name: "Acme Outdoor" },
    supplier: null,
  },
};

const ORDER = "0c4a9d6e-0000-4000-8000-000000000001";
const row = (status: string) => ({
  id: btoa(`Order:${ORDER}`),
  externalReference: "ACME-1001",
  status,
  serviceLevel: "STANDARD",
  createdAt: "2026-12-01T09:00:00Z",
  lines: [{ sku: "TENT-2P", quantity: 1 }],
});

/** An event about the listed order (the client's subscription asks only for its id). */
const event = (n: number) => ({ orderEvents: { id: `E${n}`, position: `P${n}`, aggregateId: ORDER } });

describe("the client's orders, live", () => {
  it("asks once for the orders a burst of events named, however many, and shows them as they are", async () => {
    const queries: Record<string, unknown> = {
      ClientOrderList: {
        eventPosition: "POSITION-OF-THE-READ",
        orders: { edges: [{ cursor: "c1", node: row("RECEIVED") }], pageInfo: { hasNextPage: false, endCursor: "c1" } },
      },
      ClientChangedOrders: { nodes: [row("SHIPPED")] },
    };
    const { subscribed, sent, hear } = renderSignedIn(<ClientOrders />, queries, {}, merchant);
    const asked = () => sent.mock.calls.filter(([name]) => name === "ClientChangedOrders");
    await screen.findByText("ACME-1001");
    await waitFor(() => expect(subscribed).toHaveBeenCalledWith("ClientOrderEvents", { after: "POSITION-OF-THE-READ" }));
    burstClock.hold();
    // when: ten events about the order, each heard in its own render
    for (let n = 1; n <= 10; n++) await burstClock.apart(() => hear("ClientOrderEvents", event(n)));
    // then: nothing asked while the burst lasts, one request (not ten) once its time has passed
    expect(asked()).toHaveLength(0);
    expect(screen.queryByText(/shipped/i)).toBeNull();
    await burstClock.elapse();
    expect(asked()).toHaveLength(1);
    expect(asked()[0][1].ids).toEqual([btoa(`Order:${ORDER}`)]);
    expect(screen.getByText(/shipped/i)).toBeTruthy();
  });
});
