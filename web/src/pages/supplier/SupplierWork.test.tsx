import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { SupplierWork } from "./SupplierWork";

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
