import { useQuery, useSubscription } from "@urql/preact";
import { useEffect } from "preact/hooks";
import { formatTime, humanize } from "../../format";
import { graphql } from "../../gql";
import { Link, navigate } from "../../router";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { saveFile } from "../../ui/download";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { toCsv } from "../shared/exports";
import { StatusBadge } from "../shared/StatusBadge";

const ClientOrderList = graphql(`
  query ClientOrderList($first: Int!, $after: String) {
    orders(first: $first, after: $after) {
      edges {
        node {
          id
          externalReference
          status
          serviceLevel
          createdAt
          lines {
            sku
            quantity
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const ClientOrderEvents = graphql(`
  subscription ClientOrderEvents {
    orderEvents {
      id
      aggregateId
    }
  }
`);

/** The client's orders, newest first, statuses kept live. */
export function ClientOrders() {
  const { timeZone } = useSession();
  const pages = useCursorPages();
  const [result, refetch] = useQuery({
    query: ClientOrderList,
    variables: { first: 50, after: pages.after },
  });
  const [live] = useSubscription({ query: ClientOrderEvents });
  useEffect(() => {
    if (live.data) refetch({ requestPolicy: "network-only" });
  }, [live.data]);
  const orders = result.data?.orders.edges.map((e) => e.node) ?? [];

  function exportCsv() {
    const rows = orders.flatMap((o) =>
      o.lines.map((line) => [o.externalReference, o.status, o.serviceLevel, o.createdAt, line.sku, line.quantity]),
    );
    saveFile(
      "orders.csv",
      toCsv(["reference", "status", "service_level", "created_at", "sku", "quantity"], rows),
      "text/csv",
    );
  }

  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">Orders</h1>
      <p class="actions">
        <Link href="/orders/new">New order</Link>{" "}
        <button type="button" onClick={exportCsv} disabled={orders.length === 0}>
          Export CSV (this page)
        </button>
      </p>
      <ErrorNote error={result.error} />
      {result.fetching && !result.data ? (
        <Loading what="orders" />
      ) : (
        <DataTable
          label="Orders"
          rows={orders}
          rowKey={(o) => o.id}
          onOpen={(o) => navigate(`/orders/${encodeURIComponent(o.id)}`)}
          empty="No orders yet."
          columns={[
            {
              header: "Reference",
              cell: (o) => <Link href={`/orders/${encodeURIComponent(o.id)}`}>{o.externalReference}</Link>,
            },
            { header: "Status", cell: (o) => <StatusBadge status={o.status} /> },
            { header: "Service", cell: (o) => humanize(o.serviceLevel) },
            { header: "Lines", cell: (o) => o.lines.map((l) => `${l.quantity} × ${l.sku}`).join(", ") },
            { header: "Created", cell: (o) => formatTime(o.createdAt, timeZone) },
          ]}
        />
      )}
      <Pager
        page={pages.page}
        hasNext={Boolean(result.data?.orders.pageInfo.hasNextPage)}
        onNext={() => pages.next(result.data?.orders.pageInfo.endCursor)}
        onPrevious={pages.previous}
      />
    </section>
  );
}
