import { useQuery, useSubscription } from "@urql/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { humanize, formatTime } from "../../format";
import { graphql } from "../../gql";
import type { OrderStatus } from "../../gql/graphql";
import { navigate, Link } from "../../router";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { ORDER_STATUSES, StatusBadge } from "../shared/StatusBadge";
import { dayStartIso } from "../shared/dates";

const BoardOrders = graphql(`
  query BoardOrders(
    $first: Int!
    $after: String
    $filter: OrderFilterInput
    $counted: OrderFilterInput
  ) {
    orderStatusCounts(filter: $counted) {
      status
      count
    }
    orders(first: $first, after: $after, filter: $filter) {
      edges {
        node {
          id
          externalReference
          status
          serviceLevel
          createdAt
          updatedAt
          client {
            code
          }
          fulfillmentOrders {
            id
            warehouse {
              code
            }
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

const BoardClients = graphql(`
  query BoardClients {
    clients(first: 100) {
      edges {
        node {
          id
          code
          name
        }
      }
    }
    warehouses(first: 100) {
      edges {
        node {
          id
          code
        }
      }
    }
  }
`);

const BoardOrderEvents = graphql(`
  subscription BoardOrderEvents {
    orderEvents {
      id
      topic
      aggregateId
      occurredAt
    }
  }
`);

export const PAGE_SIZE = 50;

/** The live order board: filters, pages of 50, refreshed by order events as they happen. */
export function OrderBoard() {
  const { timeZone } = useSession();
  const [status, setStatus] = useState<OrderStatus | "">("");
  const [clientId, setClientId] = useState("");
  const [warehouse, setWarehouse] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const pages = useCursorPages();
  const counted = {
    clientId: clientId || null,
    warehouseId: warehouse || null,
    createdAfter: from ? dayStartIso(from, 0) : null,
    createdBefore: to ? dayStartIso(to, 1) : null,
  };
  const filter = { ...counted, status: status ? [status] : null };
  const [result, refetch] = useQuery({
    query: BoardOrders,
    variables: { first: PAGE_SIZE, after: pages.after, filter, counted },
  });
  const [lookups] = useQuery({ query: BoardClients });
  const [live] = useSubscription({ query: BoardOrderEvents });
  const pending = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (!live.data) return;
    window.clearTimeout(pending.current);
    pending.current = window.setTimeout(() => refetch({ requestPolicy: "network-only" }), 250);
  }, [live.data]);

  useEffect(() => pages.reset(), [status, clientId, warehouse, from, to]);

  const orders = result.data?.orders.edges.map((edge) => edge.node) ?? [];
  const counts = result.data?.orderStatusCounts ?? [];

  return (
    <section aria-labelledby="board-title">
      <h1 id="board-title">Orders</h1>
      <form class="filters" aria-label="Filter orders" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select
            value={status}
            onChange={(e) => setStatus(e.currentTarget.value as OrderStatus | "")}
          >
            <option value="">Any</option>
            {ORDER_STATUSES.map((s) => (
              <option value={s}>{humanize(s)}</option>
            ))}
          </select>
        </label>
        <label>
          Client
          <select value={clientId} onChange={(e) => setClientId(e.currentTarget.value)}>
            <option value="">Any</option>
            {lookups.data?.clients.edges.map(({ node }) => (
              <option value={node.id}>
                {node.code} · {node.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Warehouse
          <select value={warehouse} onChange={(e) => setWarehouse(e.currentTarget.value)}>
            <option value="">Any</option>
            {lookups.data?.warehouses.edges.map(({ node }) => (
              <option value={node.id}>{node.code}</option>
            ))}
          </select>
        </label>
        <label>
          Created from
          <input type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          to
          <input type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
      </form>
      <ul class="counts" aria-label="Orders by status">
        {counts.map(({ status: name, count }) => (
          <li>
            <button
              type="button"
              class="count"
              aria-pressed={status === name}
              onClick={() => setStatus(status === name ? "" : name)}
            >
              <StatusBadge status={name} /> <span class="count-value">{count}</span>
            </button>
          </li>
        ))}
      </ul>
      <p class="live" aria-live="polite">
        {live.data ? `Live · last event ${formatTime(live.data.orderEvents.occurredAt, timeZone)}` : "Live"}
      </p>
      <ErrorNote error={result.error} />
      {result.fetching && !result.data ? (
        <Loading what="orders" />
      ) : (
        <DataTable
          label="Orders"
          rows={orders}
          rowKey={(order) => order.id}
          onOpen={(order) => navigate(`/orders/${encodeURIComponent(order.id)}`)}
          empty="No orders match these filters."
          columns={[
            {
              header: "Reference",
              cell: (o) => <Link href={`/orders/${encodeURIComponent(o.id)}`}>{o.externalReference}</Link>,
            },
            { header: "Client", cell: (o) => o.client?.code ?? "—" },
            { header: "Status", cell: (o) => <StatusBadge status={o.status} /> },
            { header: "Service", cell: (o) => humanize(o.serviceLevel) },
            {
              header: "Warehouses",
              cell: (o) => o.fulfillmentOrders.map((fo) => fo.warehouse?.code ?? "—").join(", ") || "—",
            },
            { header: "Created", cell: (o) => formatTime(o.createdAt, timeZone) },
            { header: "Updated", cell: (o) => formatTime(o.updatedAt, timeZone) },
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
