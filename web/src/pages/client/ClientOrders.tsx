import { useClient, useQuery } from "@urql/preact";
import { useEffect, useState } from "preact/hooks";
import { formatTime, humanize } from "../../format";
import { graphql } from "../../gql";
import type { ClientOrderEventsSubscription, ClientOrderRowFragment } from "../../gql/graphql";
import { Link, navigate } from "../../router";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { saveFile } from "../../ui/download";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { toCsv } from "../shared/exports";
import { StatusBadge } from "../shared/StatusBadge";
import { type BoardPage, endCursorOf, orderNodeId, placeOrder } from "../shared/boardUpdates";
import { useOrderEventBursts } from "../shared/orderEventBursts";

graphql(`
  fragment ClientOrderRow on Order {
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
`);

/** The orders a burst of events named, as they are now. */
const ClientChangedOrders = graphql(`
  query ClientChangedOrders($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Order {
        ...ClientOrderRow
      }
    }
  }
`);

const ClientOrderList = graphql(`
  query ClientOrderList($first: Int!, $after: String) {
    eventPosition
    orders(first: $first, after: $after) {
      edges {
        cursor
        node {
          ...ClientOrderRow
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
  subscription ClientOrderEvents($after: String) {
    orderEvents(after: $after) {
      id
      position
      aggregateId
    }
  }
`);

const PAGE_SIZE = 50;
type OrderEvent = ClientOrderEventsSubscription["orderEvents"];

/** The client's orders, newest first, kept live: an event changes only its order's row. */
export function ClientOrders() {
  const { timeZone } = useSession();
  const pages = useCursorPages();
  const client = useClient();
  const [result, refetch] = useQuery({
    query: ClientOrderList,
    variables: { first: PAGE_SIZE, after: pages.after },
  });
  const [page, setPage] = useState<BoardPage<ClientOrderRowFragment> | null>(null);
  useEffect(() => {
    const found = result.data?.orders;
    if (!found) return;
    setPage({
      rows: found.edges.map((e) => e.node),
      cursors: Object.fromEntries(found.edges.map((e) => [e.node.id, e.cursor])),
      hasNextPage: found.pageInfo.hasNextPage,
      first: pages.page === 1,
    });
  }, [result.data]);
  const resync = () => refetch({ requestPolicy: "network-only" });
  useOrderEventBursts(
    ClientOrderEvents,
    result.stale ? undefined : result.data?.eventPosition,
    async (events: OrderEvent[]) => {
      const ids = [...new Set(events.map((event) => orderNodeId(event.aggregateId)))];
      if (ids.length > PAGE_SIZE) return resync();
      const answer = await client
        .query(ClientChangedOrders, { ids }, { requestPolicy: "network-only" })
        .toPromise();
      if (!answer.data) return resync();
      const first = pages.page === 1;
      setPage((before) =>
        answer.data!.nodes.reduce(
          (current, node) =>
            current && node && "status" in node
              ? placeOrder({ ...current, first }, node, {}, PAGE_SIZE)
              : current,
          before,
        ),
      );
    },
    resync,
  );
  const orders = page?.rows ?? result.data?.orders.edges.map((e) => e.node) ?? [];

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
        hasNext={Boolean(page?.hasNextPage)}
        onNext={() => page && pages.next(endCursorOf(page))}
        onPrevious={pages.previous}
      />
    </section>
  );
}
