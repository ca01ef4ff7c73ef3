import { formatTime } from "../../format";
import { graphql } from "../../gql";
import type { HeldForUnmappedSkusQuery } from "../../gql/graphql";
import { Link } from "../../router";
import { DataTable } from "../../ui/DataTable";
import { unmappedSkusOf } from "../channels/channels";
import { eventOrderId, type OrderRelated, payloadField } from "../shared/eventOrder";

/** How many held orders the Exceptions page reads for the ones waiting for a SKU mapping. */
export const MOST_HELD = 100;

export const HeldForUnmappedSkusDocument = graphql(`
  query HeldForUnmappedSkus($first: Int!) {
    orders(first: $first, filter: { status: [ON_HOLD] }) {
      edges {
        node {
          id
          externalReference
          client {
            id
            code
          }
          holds {
            id
            reason
            unmappedSkus
            placedAt
            releasedAt
          }
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

type Order = HeldForUnmappedSkusQuery["orders"]["edges"][number]["node"];
/** An order an import held because channel SKUs of it map to no product. */
export type HeldRow = { order: Order; skus: string[]; since: string };

/** The held orders that wait for SKU mappings, with the SKUs, oldest hold first. */
export function heldRows(orders: readonly Order[]): HeldRow[] {
  return orders
    .flatMap((order) => {
      const skus = unmappedSkusOf(order.holds);
      const open = order.holds.filter((hold) => hold.reason === "UNMAPPED_SKU" && !hold.releasedAt);
      return skus.length && open.length ? [{ order, skus, since: open[0].placedAt }] : [];
    })
    .sort((a, b) => Date.parse(a.since) - Date.parse(b.since));
}

/**
 * Whether an order event can change the held list: one putting an order on hold or taking
 * it off (its payload's `status` / `previous_status`), or any event about a listed order.
 * (A mapping that narrows a list without releasing says nothing: the next read shows it.)
 */
export function changesHeld(event: OrderRelated & { topic: string }, shown: ReadonlySet<string>): boolean {
  const payload = event.payload;
  if (payloadField(payload, "status") === "ON_HOLD") return true;
  if (payloadField(payload, "previous_status") === "ON_HOLD") return true;
  const order = eventOrderId(event);
  return order !== undefined && shown.has(order);
}

/** The held orders waiting for SKU mappings: client, order, its SKUs, since when, where to map. */
export function HeldForSkus({
  data,
  timeZone,
}: {
  data: HeldForUnmappedSkusQuery | undefined;
  timeZone: string;
}) {
  if (!data) return null;
  const rows = heldRows(data.orders.edges.map((edge) => edge.node));
  return (
    <>
      <h2 id="held-for-skus-title">Held for unmapped SKUs</h2>
      <DataTable
        label="Orders held for unmapped channel SKUs"
        rows={rows}
        rowKey={(row) => row.order.id}
        empty="No order waits for a SKU mapping."
        columns={[
          { header: "Client", cell: (row) => row.order.client?.code ?? "—" },
          {
            header: "Order",
            cell: (row) => (
              <Link href={`/orders/${encodeURIComponent(row.order.id)}`}>{row.order.externalReference}</Link>
            ),
          },
          {
            header: "Channel SKUs mapped to no product",
            cell: (row) =>
              row.skus.map((sku, index) => (
                <span key={sku}>
                  {index ? ", " : ""}
                  <code>{sku}</code>
                </span>
              )),
          },
          {
            header: "Since",
            cell: (row) => <time dateTime={row.since}>{formatTime(row.since, timeZone)}</time>,
          },
          {
            header: "Action",
            cell: (row) => (
              <Link href="/channels" aria-label={`Map the SKUs of ${row.order.externalReference}`}>
                Map under Sales channels
              </Link>
            ),
          },
        ]}
      />
      {data.orders.pageInfo.hasNextPage ? (
        <p class="muted">Read from the first {MOST_HELD} held orders; release or map some to see the rest.</p>
      ) : null}
    </>
  );
}
