import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { beforeEach, describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { burstClock } from "../../test-bursts";
import { SupplierWork } from "./SupplierWork";

beforeEach(() => sessionStorage.clear()); // the labels asked for are kept per tab

const request = {
  id: "FO1",
  status: "ALLOCATED",
  createdAt: "2026-12-01T10:00:00Z",
  acknowledgeBy: "2099-12-02T10:00:00Z",
  shipBy: "2099-12-04T10:00:00Z",
  acknowledgedAt: null,
  rejectedAt: null,
  rejectionReason: null,
  rejectionNote: null,
  exceptionReason: null,
  carrier: null,
  trackingNumber: null,
  shippedAt: null,
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
  linesToShip: [{ sku: "HAMMOCK-1", supplierSku: "TG-HAM-1", quantity: 2 }],
};
const page = (nodes: unknown[]) => ({
  SupplierWork: {
    fulfillmentOrders: {
      edges: nodes.map((node) => ({ node })),
      pageInfo: { hasNextPage: false, endCursor: null },
    },
  },
});
const refused = {
  rejectFulfillmentOrder: {
    userErrors: [{ field: ["id"], code: "ILLEGAL_TRANSITION", message: "Already shipped." }],
    fulfillmentOrder: null,
  },
};

describe("the supplier's requests", () => {
  it("shows what to ship where, with its own SKUs and the next deadline", () => {
    renderSignedIn(<SupplierWork />, page([request]));

    const card = screen.getByRole("article", { name: "For Ada Park, Reno" });
    expect(card.textContent).toContain("2 × TG-HAM-1");
    expect(card.textContent).toContain("acknowledge by");
    expect(screen.getByRole("button", { name: "Acknowledge" })).toBeTruthy();
  });

  it("sends the reason of a rejection and shows the refusal beside the request", async () => {
    const { sent } = renderSignedIn(<SupplierWork />, page([request]), {
      RejectFulfillment: refused,
    });
    fireEvent.change(screen.getByLabelText("Reject: reason"), { target: { value: "DISCONTINUED" } });
    fireEvent.input(screen.getByLabelText("Reject: note"), { target: { value: "Line ended" } });
    fireEvent.click(screen.getByRole("button", { name: "Reject" }));

    await waitFor(() => expect(screen.getByRole("alert").textContent).toBe("Already shipped."));
    expect(sent).toHaveBeenCalledWith("RejectFulfillment", {
      id: "FO1",
      reason: "DISCONTINUED",
      note: "Line ended",
    });
  });

  it("lists shipped work apart, with no action on it", () => {
    const shipped = { ...request, status: "SHIPPED", trackingNumber: "1Z9", carrier: "UPS" };
    renderSignedIn(<SupplierWork />, page([shipped]));
    expect(screen.queryByText("1Z9")).toBeNull(); // not in the to-do list
    fireEvent.click(screen.getByRole("button", { name: "Shipped" }));
    expect(screen.queryByRole("button", { name: "Acknowledge" })).toBeNull();
    expect(screen.queryByRole("form", { name: "Ship" })).toBeNull();
    expect(screen.getByText("1Z9")).toBeTruthy();
  });

  it("says so when nothing is routed to the supplier", () => {
    renderSignedIn(<SupplierWork />, page([]));
    expect(screen.getByText("Nothing here.")).toBeTruthy();
  });
});

describe("labels bought through Crossdock", () => {
  const shipFrom = (address: unknown) => ({
    SupplierShipFrom: { viewer: { supplier: { id: "s", name: "Trail Gear Co", shipFrom: address } } },
  });
  const depot = {
    name: "Trail Gear Co", company: null, line1: "1 Depot Way", line2: null, city: "Denver",
    region: "CO", postalCode: "80202", country: "US", phone: null, email: null,
  };

  it("asks for a label and says it is being bought while the order is packed", async () => {
    const packed = {
      buySupplierLabel: {
        userErrors: [],
        fulfillmentOrder: { id: "FO1", status: "PACKED", acknowledgedAt: null, exceptionReason: null },
      },
    };
    const { sent } = renderSignedIn(
      <SupplierWork />,
      { ...page([request]), ...shipFrom(depot) },
      { BuySupplierLabel: packed },
    );
    fireEvent.click(screen.getByRole("button", { name: "Buy label" }));
    await waitFor(() => expect(sent).toHaveBeenCalledWith("BuySupplierLabel", { id: "FO1" }));
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows the bought label's carrier and tracking to download, and no price", () => {
    const shipped = {
      ...request,
      status: "SHIPPED",
      carrier: "Crossdock Post",
      trackingNumber: "CP123",
      label: { carrier: "Crossdock Post", service: "ground", trackingNumber: "CP123", labelFormat: "PDF" },
    };
    renderSignedIn(<SupplierWork />, { ...page([shipped]), ...shipFrom(depot) });
    fireEvent.click(screen.getByRole("button", { name: "Shipped" }));
    const card = screen.getByRole("article", { name: "For Ada Park, Reno" });
    expect(card.textContent).toContain("Label: Crossdock Post ground · tracking CP123");
    expect(screen.getByRole("button", { name: "Download label (PDF)" })).toBeTruthy();
    expect(card.textContent).not.toMatch(/\$|USD|cost/i);
  });

  it("says the carrier refused, and leaves asking again and shipping by hand open", () => {
    const refusedLabel = {
      ...request,
      status: "EXCEPTION",
      exceptionReason: "DISPATCH_FAILED",
      labelRefusal: "Billable weight 40500 g is over the 30000 g limit.",
    };
    renderSignedIn(<SupplierWork />, { ...page([refusedLabel]), ...shipFrom(depot) });
    const card = screen.getByRole("article", { name: "For Ada Park, Reno" });
    expect(card.textContent).toContain(
      "The carrier refused the label: Billable weight 40500 g is over the 30000 g limit.",
    );
    expect(screen.getByRole("button", { name: "Buy label again" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Mark shipped" })).toBeTruthy();
  });

  it("sends the supplier to its ship-from address when it has none", () => {
    renderSignedIn(<SupplierWork />, { ...page([request]), ...shipFrom(null) });
    expect(screen.queryByRole("button", { name: "Buy label" })).toBeNull();
    const link = screen.getByRole("link", { name: "Set a ship-from address to buy labels" });
    expect(link.getAttribute("href")).toBe("/ship-from");
  });
});

describe("labels to print", () => {
  it("keeps a bought label on the to-do page until the supplier says it is printed", async () => {
    sessionStorage.setItem("crossdock.supplier.labelsAsked", JSON.stringify(["FO1"]));
    const shipped = {
      ...request,
      status: "SHIPPED",
      carrier: "Crossdock Post",
      trackingNumber: "CP123",
      label: { carrier: "Crossdock Post", service: "ground", trackingNumber: "CP123", labelFormat: "ZPL" },
    };
    renderSignedIn(<SupplierWork />, {
      ...page([]),
      SupplierLabelledWork: { nodes: [{ __typename: "FulfillmentOrder", ...shipped }] },
    });
    expect(screen.getByRole("heading", { name: "Labels to print" })).toBeTruthy();
    expect(screen.getByRole("article", { name: "For Ada Park, Reno" }).textContent).toContain("CP123");

    fireEvent.click(screen.getByRole("button", { name: "Printed" }));

    await waitFor(() => expect(screen.queryByRole("article", { name: "For Ada Park, Reno" })).toBeNull());
    expect(sessionStorage.getItem("crossdock.supplier.labelsAsked")).toBe("[]");
  });
});

describe("the supplier's requests, live", () => {
  /** The bare id of the request shown (events name it so; the page lists global ids). */
  const SHOWN = "7d3c2b1a-0000-4000-8000-000000000001";
  const shownRequest = { ...request, id: btoa(`FulfillmentOrder:${SHOWN}`) };
  const at = (position: string) => ({
    SupplierWork: { eventPosition: position, ...page([shownRequest]).SupplierWork },
  });
  /** A fulfillment order event: `topic` of fulfillment order `id`, now `status`. */
  const foEvent = (n: number, topic: string, id: string, status: string) => ({
    shipmentEvents: {
      id: `E${n}`,
      position: `P${n}`,
      topic,
      aggregateType: "fulfillment_order",
      aggregateId: id,
      occurredAt: "2026-12-01T10:01:00Z",
      payload: { fulfillment_order_id: id, status },
    },
  });
  const OTHER = "7d3c2b1a-0000-4000-8000-000000000009";
  const event = foEvent(1, "FULFILLMENT_ACKNOWLEDGED", SHOWN, "ALLOCATED");

  function renderLive() {
    const queries: Record<string, unknown> = at("POSITION-OF-THE-READ");
    const view = renderSignedIn(<SupplierWork />, queries);
    const reads = () => view.sent.mock.calls.filter(([name]) => name === "SupplierWork").length;
    return { ...view, queries, reads };
  }

  it("reads once for a burst of events about its work, however many", async () => {
    const { subscribed, hear, reads } = renderLive();
    await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(1));
    const before = reads();
    burstClock.hold();
    // when: ten events (each heard in its own render) about the request it shows
    for (let n = 1; n <= 10; n++) {
      await burstClock.apart(() => hear("SupplierWorkEvents", foEvent(n, "FULFILLMENT_ACKNOWLEDGED", SHOWN, "ALLOCATED")));
    }
    // then: no read while the burst lasts, and one (not ten) once its time has passed
    expect(reads()).toBe(before);
    await burstClock.elapse();
    expect(reads()).toBe(before + 1);
  });

  it("does not read again for work it does not show that cannot join the view", async () => {
    const { subscribed, hear, reads } = renderLive();
    await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(1));
    const before = reads();
    burstClock.hold();
    // when: on the to-do view, other work shipped (from another tab) and cancelled
    await burstClock.apart(() => hear("SupplierWorkEvents", foEvent(1, "FULFILLMENT_SHIPPED", OTHER, "SHIPPED")));
    await burstClock.apart(() => hear("SupplierWorkEvents", foEvent(2, "FULFILLMENT_REJECTED", OTHER, "CANCELLED")));
    await burstClock.elapse();
    // then
    expect(reads()).toBe(before);
    // and new work routed to it does
    await burstClock.apart(() => hear("SupplierWorkEvents", foEvent(3, "FULFILLMENT_ROUTED", OTHER, "ALLOCATED")));
    await burstClock.elapse();
    expect(reads()).toBe(before + 1);
  });

  it("reads again for work it does not show whose new status the view lists", async () => {
    const { subscribed, hear, reads } = renderLive();
    await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(1));
    burstClock.hold();
    fireEvent.click(screen.getByRole("button", { name: "Shipped" }));
    await burstClock.elapse();
    expect(screen.getByRole("button", { name: "Shipped" }).getAttribute("aria-pressed")).toBe("true");
    const before = reads();
    // when: other work shipped, which the Shipped view lists
    await burstClock.apart(() => hear("SupplierWorkEvents", foEvent(1, "FULFILLMENT_SHIPPED", OTHER, "SHIPPED")));
    // then
    await burstClock.elapse();
    expect(reads()).toBe(before + 1);
  });

  it("subscribes to its events from the position of its read", async () => {
    const { subscribed } = renderLive();

    await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(1));
    expect(subscribed).toHaveBeenCalledWith("SupplierWorkEvents", { after: "POSITION-OF-THE-READ" });
  });

  it("reads again on an event or another view and keeps its subscription", async () => {
    const { subscribed, hear, queries, reads } = renderLive();
    await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(1));
    const before = reads();
    // when: an event, then another view; each read has a new position
    Object.assign(queries, at("POSITION-2"));
    hear("SupplierWorkEvents", event);
    await waitFor(() => expect(reads()).toBe(before + 1));
    Object.assign(queries, at("POSITION-3"));
    fireEvent.click(screen.getByRole("button", { name: "Shipped" }));
    await waitFor(() => expect(reads()).toBeGreaterThan(before + 1));
    // then
    expect(subscribed).toHaveBeenCalledTimes(1);
  });

  it("reads afresh when its position is refused, and subscribes from the new read's", async () => {
    const { subscribed, refuse, queries, reads } = renderLive();
    await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(1));
    const before = reads();
    // when
    Object.assign(queries, at("POSITION-2"));
    refuse("SupplierWorkEvents", "EVENT_POSITION_EXPIRED");
    // then
    await waitFor(() => expect(reads()).toBe(before + 1));
    await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(2));
    expect(subscribed).toHaveBeenLastCalledWith("SupplierWorkEvents", { after: "POSITION-2" });
  });
});
