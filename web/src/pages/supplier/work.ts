/** What a supplier can still do with a fulfillment order, and how its deadlines stand. */

export type WorkState = {
  status: string;
  exceptionReason?: string | null;
  label?: { trackingNumber: string } | null;
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

/** Still on the supplier's list: open, or PACKED while Crossdock buys its label. */
export function isToDo(fo: WorkState): boolean {
  return isOpen(fo) || fo.status === "PACKED";
}

export type LabelState = "none" | "buying" | "bought" | "refused";

/**
 * Where a label bought through Crossdock stands: PACKED while carrier dispatch buys it,
 * bought once the fulfillment order has one, refused when the carrier turned it down
 * (EXCEPTION, DISPATCH_FAILED: the supplier may ask again or ship with its own carrier).
 */
export function labelState(fo: WorkState): LabelState {
  if (fo.label) return "bought";
  if (fo.status === "PACKED") return "buying";
  if (fo.status === "EXCEPTION" && fo.exceptionReason === "DISPATCH_FAILED" && !fo.rejectedAt)
    return "refused";
  return "none";
}

/**
 * The labels to print: work the supplier asked a label for (kept by id in this browser tab),
 * once it has left the to-do list, newest request first.
 */
export function labelsToPrint<W extends WorkState & { id: string }>(
  asked: readonly W[],
  listed: readonly { id: string }[],
): W[] {
  const onList = new Set(listed.map((fo) => fo.id));
  return asked.filter((fo) => fo.label && !onList.has(fo.id));
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

/** The global id of a fulfillment order an event names (events carry bare ids). */
export function fulfillmentNodeId(id: string): string {
  return btoa(`FulfillmentOrder:${id}`);
}

/** A shipment event as the supplier's page asks for it. */
export type WorkEvent = { topic: string; aggregateType: string; aggregateId: string; payload?: unknown };

function payloadText(payload: unknown, name: string): string | undefined {
  const value = payload && typeof payload === "object" ? (payload as Record<string, unknown>)[name] : undefined;
  return typeof value === "string" ? value : undefined;
}

/**
 * Whether an event can change what the supplier's page shows: new work routed to it, any
 * event about a fulfillment order it shows (`shown`: global ids), or one whose fulfillment
 * order now has a status the view lists (`statuses`; null: every status), which may join
 * it. Others (work shipped or rejected elsewhere than in this view) cost no read; an event
 * naming no fulfillment order is read for, to be safe.
 */
export function changesWork(
  event: WorkEvent,
  shown: ReadonlySet<string>,
  statuses: readonly string[] | null,
): boolean {
  if (event.topic === "FULFILLMENT_ROUTED") return true;
  const id =
    event.aggregateType === "fulfillment_order"
      ? event.aggregateId
      : payloadText(event.payload, "fulfillment_order_id");
  if (id === undefined || shown.has(fulfillmentNodeId(id))) return true;
  const status = payloadText(event.payload, "status");
  return statuses === null || status === undefined || statuses.includes(status);
}
