/** What a supplier can still do with a fulfillment order, and how its deadlines stand. */

export type WorkState = {
  status: string;
  rejectedAt?: string | null;
  acknowledgedAt?: string | null;
  acknowledgeBy?: string | null;
  shipBy?: string | null;
};

/**
 * Acknowledge, reject and ship are open while the work is ALLOCATED or in EXCEPTION, unless
 * the supplier rejected it (a rejection nobody else could take waits in EXCEPTION for staff).
 */
export function isOpen(fo: WorkState): boolean {
  return (fo.status === "ALLOCATED" || fo.status === "EXCEPTION") && !fo.rejectedAt;
}

export function canAcknowledge(fo: WorkState): boolean {
  return isOpen(fo) && !fo.acknowledgedAt;
}

/** The deadline that matters now (acknowledge first, then ship), and whether it passed. */
export function nextDeadline(
  fo: WorkState,
  now: Date = new Date(),
): { what: "acknowledge" | "ship"; by: string; late: boolean } | null {
  if (!isOpen(fo)) return null;
  const what = fo.acknowledgedAt ? "ship" : "acknowledge";
  const by = what === "ship" ? fo.shipBy : fo.acknowledgeBy;
  if (!by) return null;
  return { what, by, late: new Date(by).getTime() < now.getTime() };
}

/** The file row a stock CSV userError names (`csv.2.available` is data row 2: file row 3). */
export function csvRowOf(field: readonly string[] | null | undefined): number | null {
  const path = field && field[0] === "input" ? field.slice(1) : (field ?? []);
  if (path[0] !== "csv" || path.length < 2) return null;
  const row = Number(path[1]);
  return Number.isInteger(row) ? row + 1 : null;
}
