import { describe, expect, it } from "vitest";
import { parseCsv } from "./csv";
import { parseOrderCsv, rowOfError } from "./orderImport";

const HEADER = "reference,name,line1,city,postal_code,country,sku,quantity";

describe("CSV", () => {
  it("reads quotes, doubled quotes, commas and newlines in fields, and a BOM", () => {
    expect(parseCsv('\ufeffa,"b, ""c""\nd"\r\n1,2\n\n')).toEqual([
      ["a", 'b, "c"\nd'],
      ["1", "2"],
    ]);
  });
});

describe("orders from CSV", () => {
  it("groups rows by reference and keeps each line's file row", () => {
    const text = [
      HEADER,
      "SO-1,Ann,1 Main St,Reno,89501,US,TENT-2P,2",
      "SO-2,Bob,2 Main St,Reno,89501,US,TENT-2P,1",
      "SO-1,Ann,1 Main St,Reno,89501,US,LAMP-LED,3",
    ].join("\n");

    const { orders, problems } = parseOrderCsv(text);

    expect(problems).toEqual([]);
    expect(orders.map((o) => [o.input.externalReference, o.rows])).toEqual([
      ["SO-1", [2, 4]],
      ["SO-2", [3]],
    ]);
    expect(orders[0].input.lines).toEqual([
      { sku: "TENT-2P", quantity: 2 },
      { sku: "LAMP-LED", quantity: 3 },
    ]);
    expect(rowOfError(orders[0], ["lines", "1", "sku"])).toBe(4);
    expect(rowOfError(orders[0], ["shipTo", "country"])).toBe(2);
  });

  it("reports rows it cannot read, by row number, and leaves their orders out", () => {
    const text = [HEADER, "SO-1,Ann,1 Main St,Reno,89501,US,TENT-2P,two", "SO-2,Bob,2 Main St,Reno,89501,US,TENT-2P,1"].join("\n");

    const { orders, problems } = parseOrderCsv(text);

    expect(problems).toEqual([{ row: 2, message: 'quantity "two" is not a whole number.' }]);
    expect(orders.map((o) => o.input.externalReference)).toEqual(["SO-2"]);
  });

  it("names missing columns", () => {
    expect(parseOrderCsv("reference,sku\nSO-1,A").problems[0].message).toContain("name, line1");
  });
});
