import { describe, expect, it } from "vitest";
import {
  canAcknowledge,
  csvRowOf,
  isOpen,
  isToDo,
  labelState,
  labelsToPrint,
  nextDeadline,
} from "./work";

describe("a supplier's work", () => {
  const now = new Date("2026-12-01T12:00:00Z");

  it("is open to act on while allocated or in exception, acknowledged once", () => {
    expect(isOpen({ status: "ALLOCATED" })).toBe(true);
    expect(isOpen({ status: "EXCEPTION" })).toBe(true);
    expect(isOpen({ status: "SHIPPED" })).toBe(false);
    expect(isOpen({ status: "EXCEPTION", rejectedAt: "2026-12-01T11:00:00Z" })).toBe(false);
    expect(canAcknowledge({ status: "ALLOCATED", acknowledgedAt: "2026-12-01T10:00:00Z" })).toBe(
      false,
    );
    expect(canAcknowledge({ status: "CANCELLED" })).toBe(false);
  });

  it("shows the acknowledge deadline first, then the ship deadline, late when past", () => {
    const fo = {
      status: "ALLOCATED",
      acknowledgeBy: "2026-12-01T11:00:00Z",
      shipBy: "2026-12-03T11:00:00Z",
    };
    expect(nextDeadline(fo, now)).toEqual({ what: "acknowledge", by: fo.acknowledgeBy, late: true });
    expect(nextDeadline({ ...fo, acknowledgedAt: "2026-12-01T10:00:00Z" }, now)).toEqual({
      what: "ship",
      by: fo.shipBy,
      late: false,
    });
    expect(nextDeadline({ ...fo, status: "SHIPPED" }, now)).toBeNull();
  });

  it("points a stock CSV's error at the file's own row (the header is row 1)", () => {
    expect(csvRowOf(["input", "csv", "2", "available"])).toBe(3);
    expect(csvRowOf(["csv", "1"])).toBe(2);
    expect(csvRowOf(["csv"])).toBeNull();
    expect(csvRowOf(null)).toBeNull();
  });

  it("follows a label bought through Crossdock: buying, bought, refused by the carrier", () => {
    const label = { trackingNumber: "CP1" };
    expect(labelState({ status: "ALLOCATED" })).toBe("none");
    expect(labelState({ status: "PACKED" })).toBe("buying");
    expect(labelState({ status: "SHIPPED", label })).toBe("bought");
    expect(labelState({ status: "EXCEPTION", exceptionReason: "DISPATCH_FAILED" })).toBe("refused");
    expect(labelState({ status: "EXCEPTION", exceptionReason: "SHIP_OVERDUE" })).toBe("none");
    // a refused label is still the supplier's to do; a label being bought stays on the list
    expect(isOpen({ status: "EXCEPTION", exceptionReason: "DISPATCH_FAILED" })).toBe(true);
    expect(isToDo({ status: "PACKED" })).toBe(true);
    expect(isOpen({ status: "PACKED" })).toBe(false);
    expect(isToDo({ status: "SHIPPED", label })).toBe(false);
  });

  it("keeps the labels asked for that left the list, to print", () => {
    const bought = { id: "A", status: "SHIPPED", label: { trackingNumber: "CP1" } };
    const buying = { id: "B", status: "PACKED" };
    const listed = { id: "C", status: "SHIPPED", label: { trackingNumber: "CP3" } };
    expect(labelsToPrint([bought, buying, listed], [buying, listed])).toEqual([bought]);
  });
});
