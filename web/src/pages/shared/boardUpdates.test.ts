import { describe, expect, it } from "vitest";
import {
  type BoardOrder,
  type BoardPage,
  endCursorOf,
  matchesFilter,
  orderNodeId,
  placeOrder,
} from "./boardUpdates";

const order = (id: string, minute: number, status = "ALLOCATED", extra: Partial<BoardOrder> = {}) => ({
  id,
  status,
  createdAt: `2026-12-01T10:${String(minute).padStart(2, "0")}:00+00:00`,
  client: { id: "ACME" },
  fulfillmentOrders: [{ warehouse: { id: "RNO" } }],
  ...extra,
});
// newest first, as the board lists them: C (10:30), B (10:20), A (10:10)
const page = (rows: BoardOrder[], more: Partial<BoardPage<BoardOrder>> = {}): BoardPage<BoardOrder> => ({
  rows,
  cursors: Object.fromEntries(rows.map((row) => [row.id, `cursor-${row.id}`])),
  hasNextPage: false,
  first: true,
  ...more,
});
const ids = (p: BoardPage<BoardOrder>) => p.rows.map((row) => row.id);
const [a, b, c] = [order("A", 10), order("B", 20), order("C", 30)];

describe("the board's filters, applied to one order in the browser", () => {
  it("matches status, client, warehouse and creation time as the server does", () => {
    const o = order("X", 15, "PICKING");
    expect(matchesFilter(o, {})).toBe(true);
    expect(matchesFilter(o, { status: ["PICKING", "PACKED"] })).toBe(true);
    expect(matchesFilter(o, { status: ["SHIPPED"] })).toBe(false);
    expect(matchesFilter(o, { clientId: "BOLT" })).toBe(false);
    expect(matchesFilter(o, { warehouseId: "RNO" })).toBe(true);
    expect(matchesFilter(o, { warehouseId: "ATL" })).toBe(false);
    expect(matchesFilter(o, { createdAfter: "2026-12-01T10:00:00Z" })).toBe(true);
    expect(matchesFilter(o, { createdAfter: "2026-12-01T10:15:00Z" })).toBe(false); // after, not at
    expect(matchesFilter(o, { createdBefore: "2026-12-01T10:15:00Z" })).toBe(false);
    expect(matchesFilter(o, { createdBefore: "2026-12-02T00:00:00Z" })).toBe(true);
  });

  it("names the order an event is about by its global id", () => {
    expect(orderNodeId("0b5a4c1e-1111-2222-3333-444455556666")).toBe(
      "T3JkZXI6MGI1YTRjMWUtMTExMS0yMjIyLTMzMzMtNDQ0NDU1NTU2NjY2",
    );
  });
});

describe("a changed order on the board", () => {
  it("is replaced in its row, the other rows untouched", () => {
    const before = page([c, b, a]);
    const picked = order("B", 20, "PICKING");
    const after = placeOrder(before, picked, {}, 50);
    expect(ids(after)).toEqual(["C", "B", "A"]);
    expect(after.rows[1].status).toBe("PICKING");
    expect(after.rows[0]).toBe(c);
    expect(after.rows[2]).toBe(a);
  });

  it("leaves a page filtered by status when it moves out of it", () => {
    const before = page([c, b, a]);
    const after = placeOrder(before, order("B", 20, "SHIPPED"), { status: ["ALLOCATED"] }, 50);
    expect(ids(after)).toEqual(["C", "A"]);
  });

  it("joins a page filtered by status when it moves into it, in its place by creation time", () => {
    const before = page([c, a]);
    const after = placeOrder(before, order("B", 20, "ALLOCATED"), { status: ["ALLOCATED"] }, 50);
    expect(ids(after)).toEqual(["C", "B", "A"]);
  });

  it("is left out when it matches no filter and is not on the page", () => {
    const before = page([c, b, a]);
    expect(placeOrder(before, order("D", 40), { clientId: "BOLT" }, 50)).toBe(before);
  });
});

describe("a new order", () => {
  it("appears at the top of the first page", () => {
    const after = placeOrder(page([c, b, a]), order("D", 40, "RECEIVED"), {}, 50);
    expect(ids(after)).toEqual(["D", "C", "B", "A"]);
    expect(after.hasNextPage).toBe(false);
  });

  it("pushes the first page's last row on to the next page, whose cursor then starts there", () => {
    const after = placeOrder(page([c, b, a]), order("D", 40), {}, 3);
    expect(ids(after)).toEqual(["D", "C", "B"]);
    expect(after.hasNextPage).toBe(true);
    expect(endCursorOf(after)).toBe("cursor-B");
  });

  it("stays off a later page, which shows older orders", () => {
    const later = page([c, b, a], { first: false, hasNextPage: true });
    expect(placeOrder(later, order("D", 40), {}, 50)).toBe(later);
  });

  it("older than a full page's last row belongs to the next page", () => {
    const full = page([c, b], { hasNextPage: true });
    expect(placeOrder(full, order("Z", 1), {}, 2)).toBe(full);
  });
});

