import type { CreateOrderInput, ServiceLevel } from "../../gql/graphql";
import { parseCsv } from "./csv";

/**
 * Orders from a CSV file, one line of an order per row; rows sharing a reference make one
 * order. Row numbers are the file's own (the header is row 1), so problems point at rows.
 */

export const COLUMNS = [
  "reference",
  "service_level",
  "name",
  "company",
  "line1",
  "line2",
  "city",
  "region",
  "postal_code",
  "country",
  "sku",
  "quantity",
] as const;
const REQUIRED = ["reference", "name", "line1", "city", "postal_code", "country", "sku", "quantity"];
const SERVICE_LEVELS = ["STANDARD", "EXPRESS", "OVERNIGHT"];

export type ImportedOrder = {
  input: CreateOrderInput;
  rows: number[]; // the file row of each line, in line order
};

export type RowProblem = { row: number; message: string };

export type ParsedImport = { orders: ImportedOrder[]; problems: RowProblem[] };

export function parseOrderCsv(text: string): ParsedImport {
  const table = parseCsv(text);
  if (table.length === 0) return { orders: [], problems: [{ row: 1, message: "The file is empty." }] };
  const header = table[0].map((cell) => cell.trim().toLowerCase());
  const missing = REQUIRED.filter((name) => !header.includes(name));
  if (missing.length) {
    return {
      orders: [],
      problems: [{ row: 1, message: `Missing columns: ${missing.join(", ")}.` }],
    };
  }
  const at = (cells: string[], name: string) => (cells[header.indexOf(name)] ?? "").trim();
  const byReference = new Map<string, ImportedOrder>();
  const badReferences = new Set<string>();
  const problems: RowProblem[] = [];
  table.slice(1).forEach((cells, offset) => {
    const row = offset + 2;
    const reference = at(cells, "reference");
    const quantityText = at(cells, "quantity");
    const quantity = Number(quantityText);
    const level = (at(cells, "service_level") || "STANDARD").toUpperCase();
    const rowProblems: string[] = [];
    if (!reference) rowProblems.push("reference is empty");
    if (!/^-?\d+$/.test(quantityText)) rowProblems.push(`quantity ${JSON.stringify(quantityText)} is not a whole number`);
    if (!SERVICE_LEVELS.includes(level)) rowProblems.push(`service_level ${JSON.stringify(level)} is not one of ${SERVICE_LEVELS.join(", ")}`);
    if (rowProblems.length) {
      problems.push({ row, message: `${rowProblems.join("; ")}.` });
      if (reference) badReferences.add(reference);
      return;
    }
    let order = byReference.get(reference);
    if (!order) {
      order = {
        rows: [],
        input: {
          externalReference: reference,
          serviceLevel: level as ServiceLevel,
          shipTo: {
            name: at(cells, "name"),
            company: at(cells, "company") || null,
            line1: at(cells, "line1"),
            line2: at(cells, "line2") || null,
            city: at(cells, "city"),
            region: at(cells, "region") || null,
            postalCode: at(cells, "postal_code"),
            country: at(cells, "country"),
          },
          lines: [],
        },
      };
      byReference.set(reference, order);
    }
    (order.input.lines as { sku: string; quantity: number }[]).push({ sku: at(cells, "sku"), quantity });
    order.rows.push(row);
  });
  const orders = [...byReference.values()].filter((o) => !badReferences.has(o.input.externalReference));
  return { orders, problems };
}

/** The file row a userError of an order points at: its line's row, else the order's first. */
export function rowOfError(order: ImportedOrder, field: readonly string[] | null | undefined): number {
  if (field && field[0] === "lines" && field.length > 1) {
    const line = Number(field[1]);
    if (Number.isInteger(line) && order.rows[line] !== undefined) return order.rows[line];
  }
  return order.rows[0];
}

/** Split `items` into chunks of `size`. */
export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
