import { describe, expect, it } from "vitest";
import { receivedLines } from "./Inbound";

describe("receiving an inbound shipment", () => {
  const shipment = {
    lines: [
      { id: "L1", expectedQuantity: 50, receivedQuantity: 0, outstandingQuantity: 50, product: { id: "P1", sku: "A", name: "A" } },
      { id: "L2", expectedQuantity: 10, receivedQuantity: 10, outstandingQuantity: 0, product: { id: "P2", sku: "B", name: "B" } },
      { id: "L3", expectedQuantity: 5, receivedQuantity: 1, outstandingQuantity: 4, product: { id: "P3", sku: "C", name: "C" } },
    ],
  };

  it("receives what is outstanding unless counted otherwise, and skips nothing-received lines", () => {
    expect(receivedLines(shipment, {})).toEqual([
      { productId: "P1", quantity: 50 },
      { productId: "P3", quantity: 4 },
    ]);
    expect(receivedLines(shipment, { L1: "48", L3: "0", L2: "2" })).toEqual([
      { productId: "P1", quantity: 48 },
      { productId: "P2", quantity: 2 },
    ]);
  });
});
