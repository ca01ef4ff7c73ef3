/** CSV exports made in the browser from what a page already holds. */

export function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  // a leading =, +, - or @ would run as a formula in a spreadsheet
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

type StockRow = {
  onHand: number;
  allocated: number;
  available: number;
  incoming: number;
  product: { sku: string; name: string };
  warehouse: { code: string };
};

export function stockCsv(levels: StockRow[]): string {
  return toCsv(
    ["sku", "name", "warehouse", "on_hand", "allocated", "available", "incoming"],
    levels.map((l) => [
      l.product.sku,
      l.product.name,
      l.warehouse.code,
      l.onHand,
      l.allocated,
      l.available,
      l.incoming,
    ]),
  );
}
