/**
 * The order board kept live in place: an order event changes the one row it names (or
 * places a new order where it belongs), instead of the board asking for its whole page
 * again. (The counts per status are read again with the changed rows: an event may name an
 * order the board's read already counted.)
 */

export type BoardOrder = {
  id: string;
  status: string;
  createdAt: string;
  client?: { id: string } | null;
  fulfillmentOrders?: readonly { warehouse?: { id: string } | null }[];
};

/** The board's filters as it sends them (ids are global ids; times ISO 8601). */
export type BoardFilter = {
  status?: readonly string[] | null;
  clientId?: string | null;
  warehouseId?: string | null;
  createdAfter?: string | null;
  createdBefore?: string | null;
};

export type StatusCount<S extends string = string> = { status: S; count: number };

/** One page of the board: rows newest first, and the cursor of each row the server sent. */
export type BoardPage<R extends BoardOrder> = {
  rows: R[];
  cursors: Record<string, string>;
  hasNextPage: boolean;
  /** Whether this is the first page: only it takes orders newer than all its rows. */
  first: boolean;
};

/** The global id of the order an event names (events carry the bare id, the API the global one). */
export function orderNodeId(aggregateId: string): string {
  return btoa(`Order:${aggregateId}`);
}

/** Whether `order` is one the board's `filter` asks for (the server's rules, in the browser). */
export function matchesFilter(order: BoardOrder, filter: BoardFilter): boolean {
  if (filter.status?.length && !filter.status.includes(order.status)) return false;
  if (filter.clientId && order.client?.id !== filter.clientId) return false;
  if (
    filter.warehouseId &&
    !(order.fulfillmentOrders ?? []).some((fo) => fo.warehouse?.id === filter.warehouseId)
  )
    return false;
  const created = Date.parse(order.createdAt);
  if (filter.createdAfter && created <= Date.parse(filter.createdAfter)) return false;
  if (filter.createdBefore && created >= Date.parse(filter.createdBefore)) return false;
  return true;
}

function newerFirst(a: BoardOrder, b: BoardOrder): number {
  const byTime = Date.parse(b.createdAt) - Date.parse(a.createdAt);
  return byTime !== 0 ? byTime : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The page after `order` changed: its row replaced where it is, or dropped when it no longer
 * matches the filter; an order not on the page put in its place by creation time when it
 * belongs between this page's rows (on the first page: anything newer than the last row),
 * the page's last row moving on to the next page when it overflows.
 */
export function placeOrder<R extends BoardOrder>(
  page: BoardPage<R>,
  order: R,
  filter: BoardFilter,
  pageSize: number,
): BoardPage<R> {
  const matches = matchesFilter(order, filter);
  const at = page.rows.findIndex((row) => row.id === order.id);
  if (at >= 0) {
    const rows = matches
      ? page.rows.map((row, i) => (i === at ? order : row))
      : page.rows.filter((_, i) => i !== at);
    return { ...page, rows };
  }
  if (!matches) return page;
  const position = page.rows.findIndex((row) => newerFirst(order, row) < 0);
  const place = position < 0 ? page.rows.length : position;
  if (place === 0 && !page.first) return page; // newer than this page: an earlier page's
  if (place === page.rows.length && page.hasNextPage) return page; // older: a later page's
  const rows = [...page.rows.slice(0, place), order, ...page.rows.slice(place)];
  if (rows.length <= pageSize) return { ...page, rows };
  return { ...page, rows: rows.slice(0, pageSize), hasNextPage: true };
}

/** The cursor the Next button asks from: the last row's, as the server sent it. */
export function endCursorOf<R extends BoardOrder>(page: BoardPage<R>): string | null {
  for (let i = page.rows.length - 1; i >= 0; i--) {
    const cursor = page.cursors[page.rows[i].id];
    if (cursor) return cursor;
  }
  return null;
}
