import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "./exports";

describe("CSV export", () => {
  it("quotes what needs quoting and defuses spreadsheet formulas", () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("=SUM(A1)")).toBe("'=SUM(A1)");
    expect(csvCell(null)).toBe("");
    expect(toCsv(["sku", "qty"], [["TENT-2P", 2]])).toBe("sku,qty\r\nTENT-2P,2\r\n");
  });
});
