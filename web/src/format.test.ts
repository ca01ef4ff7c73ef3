import { describe, expect, it } from "vitest";
import { formatMoney, formatTime, humanize } from "./format";

describe("format", () => {
  it("shows money with its currency", () => {
    expect(formatMoney({ amount: "1234.50", currency: "EUR" }, "en-US")).toBe("€1,234.50");
    expect(formatMoney({ amount: "7", currency: "JPY" }, "en-US")).toBe("¥7");
    expect(formatMoney(null)).toBe("—");
  });

  it("shows times in the zone it is given", () => {
    const iso = "2026-11-30T23:30:00+00:00";
    expect(formatTime(iso, "UTC", "en-GB")).toContain("23:30");
    expect(formatTime(iso, "Asia/Tokyo", "en-GB")).toContain("08:30");
    expect(formatTime(iso, "Asia/Tokyo", "en-GB")).toContain("1 Dec 2026");
  });

  it("turns enum values into words", () => {
    expect(humanize("PARTIALLY_ALLOCATED")).toBe("Partially allocated");
  });
});
