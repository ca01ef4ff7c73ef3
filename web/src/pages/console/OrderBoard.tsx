import { useClient, useQuery } from "@urql/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { humanize, formatTime } from "../../format";
import { graphql } from "../../gql";
import type { BoardOrderEventsSubscription, BoardRowFragment, OrderStatus } from "../../gql/graphql";
import { navigate, Link } from "../../router";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { ORDER_STATUSES, StatusBadge } from "../shared/StatusBadge";
import { dayStartIso } from "../shared/dates";
import { useOrderEventBursts } from "../shared/orderEventBursts";
import {
  type BoardPage,
  endCursorOf,
  orderNodeId,
  placeOrder,
  type StatusCount,
} from "../shared/boardUpdates";

graphql(`
  fragment BoardRow on Order {
    id
    externalReference
    status
    serviceLevel
    createdAt
    updatedAt
    client {
      id
      code
    }
    fulfillmentOrders {
      id
      warehouse {
        id
        code
      }
    }
  }
`);

const BoardOrders = graphql(`
  query BoardOrders(
    $first: Int!
    $after: String
    $filter: OrderFilterInput
    $counted: OrderFilterInput
  ) {
    eventPosition
    orderStatusCounts(filter: $counted) {
      status
      count
    }
    orders(first: $first, after: $after, filter: $filter) {
      edges {
        cursor
        node {
          ...BoardRow
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

/**
 * The orders some events named, as they are now, and the counts (one request for a burst of
 * events): read, not added up, since an event the board's read already counted may come.
 */
const BoardChangedOrders = graphql(`
  query BoardChangedOrders($ids: [ID!]!, $counted: OrderFilterInput) {
    orderStatusCounts(filter: $counted) {
      status
      count
    }
    nodes(ids: $ids) {
      ... on Order {
        ...BoardRow
      }
    }
  }
`);

const BoardOrderEvents = graphql(`
  subscription BoardOrderEvents($after: String) {
    orderEvents(after: $after) {
      id
      position
      topic
      aggregateId
      occurredAt
      payload
    }
  }
`);

export const PAGE_SIZE = 50;
/** A burst naming more orders than this is cheaper as the page asked for again. */
const MOST_CHANGED = 50;

type OrderEvent = BoardOrderEventsSubscription["orderEvents"];
type Board = { page: BoardPage<BoardRowFragment>; counts: StatusCount<OrderStatus>[] };

/**
 * The live order board: filters, pages of 50. An order event updates the row of the order it
 * names in place (or puts a new order at the top) and the counts per status (both read again
 * for each burst of events); the page itself is asked for again only when the filters or the
 * page change. Events are heard from the position of the page's read, so none is missed.
 */
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
    requestPolicy: "cache-and-network",
  });
  const [lookups] = useQuery({ query: BoardClients });
  const client = useClient();
  const [board, setBoard] = useState<Board | null>(null);
  const view = useRef({ filter, counted, first: pages.page === 1 });
  view.current = { filter, counted, first: pages.page === 1 };

  useEffect(() => {
    const data = result.data;
    if (!data) return;
    const edges = data.orders.edges;
    setBoard({
      page: {
        rows: edges.map((edge) => edge.node),
        cursors: Object.fromEntries(edges.map((edge) => [edge.node.id, edge.cursor])),
        hasNextPage: data.orders.pageInfo.hasNextPage,
        first: pages.page === 1,
      },
      counts: data.orderStatusCounts,
    });
  }, [result.data]);

  async function applyBurst(events: OrderEvent[]) {
    const ids = [...new Set(events.map((event) => orderNodeId(event.aggregateId)))];
    if (ids.length > MOST_CHANGED) return resync();
    const { filter: showing, counted, first } = view.current;
    const answer = await client
      .query(BoardChangedOrders, { ids, counted }, { requestPolicy: "network-only" })
      .toPromise();
    if (!answer.data) return resync();
    const now = new Map<string, BoardRowFragment>();
    for (const node of answer.data.nodes) {
      if (node && "status" in node) now.set(node.id, node);
    }
    const counts = answer.data.orderStatusCounts;
    setBoard((before) => {
      if (!before) return before;
      let { page } = before;
      for (const order of now.values()) {
        page = placeOrder({ ...page, first }, order, showing, PAGE_SIZE);
      }
      return { page, counts };
    });
  }

  const resync = () => refetch({ requestPolicy: "network-only" });
  // a cached read (shown while the network answers) is no position to start from
  const position = result.stale ? undefined : result.data?.eventPosition;
  const latest = useOrderEventBursts(BoardOrderEvents, position, applyBurst, resync);

  useEffect(() => pages.reset(), [status, clientId, warehouse, from, to]);

  const orders = board?.page.rows ?? [];
  const counts = board?.counts ?? [];

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
        {latest ? `Live · last event ${formatTime(latest.occurredAt, timeZone)}` : "Live"}
      </p>
      <ErrorNote error={result.error} />
      {!board && result.fetching ? (
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
        hasNext={Boolean(board?.page.hasNextPage)}
        onNext={() => board && pages.next(endCursorOf(board.page))}
        onPrevious={pages.previous}
      />
    </section>
  );
}
