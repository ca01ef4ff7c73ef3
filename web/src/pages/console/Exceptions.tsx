import { useMutation, useQuery } from "@urql/preact";
import { useEffect, useState } from "preact/hooks";
import { formatTime, humanize } from "../../format";
import { graphql } from "../../gql";
import type { ExceptionOrdersQuery, RetriedPartsQuery } from "../../gql/graphql";
import { Link } from "../../router";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { problemOf } from "../../ui/mutationResult";
import { ErrorNote, Loading } from "../../ui/states";
import { eventOrderId, type OrderRelated, payloadField } from "../shared/eventOrder";
import { useEventBursts } from "../shared/orderEventBursts";
import { RetryDispatchDocument } from "./fulfillmentSteps";
import { changesHeld, HeldForSkus, HeldForUnmappedSkusDocument, MOST_HELD } from "./HeldForSkus";
import { OrderLiveDocument, ShipmentLiveDocument } from "./orderDetailQuery";

/** How many orders in EXCEPTION one page lists. */
export const MOST_ORDERS = 100;
/** How often a retried part is asked about while no order event says it moved (ms). */
export const RETRY_CHECK_MS = 3000;

const ExceptionOrders = graphql(`
  query ExceptionOrders($first: Int!) {
    eventPosition
    orders(first: $first, filter: { status: [EXCEPTION] }) {
      edges {
        node {
          id
          externalReference
          client {
            id
            code
          }
          fulfillmentOrders {
            id
            status
            exceptionReason
            labelRefusal
            overdueAt
            updatedAt
            warehouse {
              id
              code
            }
            supplier {
              id
              name
            }
            dispatch {
              exceptionReason
              updatedAt
            }
          }
        }
      }
      pageInfo {
        hasNextPage
      }
    }
  }
`);

const RetriedParts = graphql(`
  query RetriedParts($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Order {
        id
        fulfillmentOrders {
          id
          status
          updatedAt
        }
      }
    }
  }
`);

type Order = ExceptionOrdersQuery["orders"]["edges"][number]["node"];
type FulfillmentOrder = Order["fulfillmentOrders"][number];
/** One fulfillment order in EXCEPTION, with the order it belongs to. */
export type ExceptionRow = { order: Order; fo: FulfillmentOrder };

/** The fulfillment orders in EXCEPTION of these orders, one row each, oldest first. */
export function exceptionRows(orders: readonly Order[]): ExceptionRow[] {
  return orders
    .flatMap((order) =>
      order.fulfillmentOrders.filter((fo) => fo.status === "EXCEPTION").map((fo) => ({ order, fo })),
    )
    .sort((a, b) => Date.parse(exceptionSince(a.fo)) - Date.parse(exceptionSince(b.fo)));
}

/** When it went into EXCEPTION: the carrier's refusal, or the SLA sweep finding it late. */
export function exceptionSince(fo: FulfillmentOrder): string {
  if (fo.exceptionReason === "DISPATCH_FAILED") return fo.dispatch?.updatedAt ?? fo.updatedAt;
  return fo.overdueAt ?? fo.updatedAt;
}

function sourceOf(row: ExceptionRow): string {
  return row.fo.warehouse?.code ?? row.fo.supplier?.name ?? "elsewhere";
}

function reasonOf(fo: FulfillmentOrder): string {
  const kind = fo.exceptionReason ? humanize(fo.exceptionReason) : "Exception";
  const words = fo.dispatch?.exceptionReason ?? fo.labelRefusal;
  return words ? `${kind}: ${words}` : kind;
}

/**
 * Whether an event can change what the page lists (fulfillment orders in EXCEPTION): one
 * putting an order or a fulfillment order into EXCEPTION or taking one out (its payload's
 * `status` / `previous_status`, as every order and fulfillment order event carries them),
 * `order.exception` itself, or any event about an order the page shows (`shown`: global
 * ids), such as a listed fulfillment order shipped or packed again while its order, with
 * another share still in EXCEPTION, stays there (no order event says so). Others (a new
 * order, an allocation, a label or shipment of an order not listed...) cannot, and cost no
 * read. Order events, and fulfillment order and shipment events alike.
 */
export function changesExceptions(
  event: OrderRelated & { topic: string },
  shown: ReadonlySet<string>,
): boolean {
  if (event.topic === "ORDER_EXCEPTION") return true;
  const payload = event.payload;
  if (payloadField(payload, "status") === "EXCEPTION") return true;
  if (payloadField(payload, "previous_status") === "EXCEPTION") return true;
  const order = eventOrderId(event);
  return order === undefined || shown.has(order);
}

/** A listed row, marked while its retry waits for the carrier or after it was refused again. */
export type ListedRow = ExceptionRow & { retry?: "retrying" | "refused again" };

/**
 * The rows to show: the list's, with a row that is being retried kept (as it was) though the
 * server has it PACKED again, and a row refused again since its retry marked as such.
 */
export function listedRows(rows: ExceptionRow[], retried: Record<string, Retried>): ListedRow[] {
  const listed: ListedRow[] = rows.map((row) => {
    const entry = retried[row.fo.id];
    if (!entry || entry.outcome === "shipped") return row;
    if (row.fo.updatedAt !== entry.row.fo.updatedAt) return { ...row, retry: "refused again" };
    return { ...entry.row, retry: entry.outcome };
  });
  const ids = new Set(rows.map((row) => row.fo.id));
  for (const [id, entry] of Object.entries(retried)) {
    if (!ids.has(id) && entry.outcome !== "shipped") listed.push({ ...entry.row, retry: entry.outcome });
  }
  return listed.sort((a, b) => Date.parse(exceptionSince(a.fo)) - Date.parse(exceptionSince(b.fo)));
}

/** A row whose Retry the server took: it stays listed until the carrier answers. */
export type Retried = { row: ExceptionRow; outcome: "retrying" | "refused again" | "shipped" };

type Part = { id: string; status: string; updatedAt: string };

/** The parts of the retried orders as the server has them now. */
function partsOf(data: RetriedPartsQuery | undefined): Map<string, Part> {
  const parts = new Map<string, Part>();
  for (const node of data?.nodes ?? []) {
    if (node && "fulfillmentOrders" in node) {
      for (const fo of node.fulfillmentOrders) parts.set(fo.id, fo);
    }
  }
  return parts;
}

/**
 * What became of a retried part: in EXCEPTION again since the retry (its `updatedAt` moved:
 * the retry made it PACKED, the refusal EXCEPTION), past the carrier (shipped, delivered,
 * cancelled), or still waiting for the carrier's answer.
 */
export function retryOutcome(retried: Retried, part: Part | undefined): Retried["outcome"] {
  if (!part) return retried.outcome;
  if (part.status === "EXCEPTION") {
    return part.updatedAt !== retried.row.fo.updatedAt ? "refused again" : retried.outcome;
  }
  return part.status === "PACKED" ? "retrying" : "shipped";
}

/**
 * Fulfillment orders in EXCEPTION across clients, with why and since when (and, below, the
 * orders imports held for channel SKUs that map to no product, with the SKUs); Retry dispatches
 * one again and keeps its row, marked as retrying, until the carrier answers: a refusal
 * shows the carrier's new words on the row, a shipment takes the row away. Order and
 * shipment events (and, while a retry waits, a check every few seconds) keep the page
 * current.
 */
export function Exceptions() {
  const { timeZone } = useSession();
  const [result, refetch] = useQuery({
    query: ExceptionOrders,
    variables: { first: MOST_ORDERS },
    requestPolicy: "cache-and-network",
  });
  const [, retry] = useMutation(RetryDispatchDocument);
  const [busy, setBusy] = useState<string>();
  const [problems, setProblems] = useState<Record<string, string | undefined>>({});
  const [retried, setRetried] = useState<Record<string, Retried>>({});
  const waiting = Object.values(retried).filter((r) => r.outcome === "retrying");
  const [parts, checkParts] = useQuery({
    query: RetriedParts,
    variables: { ids: [...new Set(waiting.map((r) => r.row.order.id))] },
    pause: waiting.length === 0,
    requestPolicy: "network-only",
  });
  const [held, refetchHeld] = useQuery({
    query: HeldForUnmappedSkusDocument,
    variables: { first: MOST_HELD },
    requestPolicy: "cache-and-network",
  });
  const refreshHeld = () => refetchHeld({ requestPolicy: "network-only" });
  const refresh = () => refetch({ requestPolicy: "network-only" });
  const resync = () => {
    refresh();
    refreshHeld();
  };
  // From the read's position (a cached read's may be too old: it waits for the server's),
  // kept while the page reads again; a refused one reads afresh. One read per burst of
  // order events, and one per burst of shipment events, each only for a burst with an event
  // that can change the list.
  const shown = new Set([
    ...(result.data?.orders.edges.map((edge) => edge.node.id) ?? []),
    ...Object.values(retried).map((r) => r.row.order.id),
  ]);
  const heldShown = new Set(held.data?.orders.edges.map((edge) => edge.node.id) ?? []);
  const position = result.stale ? undefined : result.data?.eventPosition;
  const onBurst = (events: (OrderRelated & { topic: string })[]) => {
    if (events.some((event) => changesExceptions(event, shown))) refresh();
    if (events.some((event) => changesHeld(event, heldShown))) refreshHeld();
    if (waiting.length) checkParts({ requestPolicy: "network-only" });
  };
  useEventBursts(OrderLiveDocument, "orderEvents", position, onBurst, resync);
  useEventBursts(ShipmentLiveDocument, "shipmentEvents", position, onBurst, resync);
  useEffect(() => {
    if (!waiting.length) return;
    const timer = setInterval(() => checkParts({ requestPolicy: "network-only" }), RETRY_CHECK_MS);
    return () => clearInterval(timer);
  }, [waiting.length]);
  useEffect(() => {
    const now = partsOf(parts.data);
    let moved = false;
    const next = { ...retried };
    for (const [id, entry] of Object.entries(retried)) {
      const outcome = retryOutcome(entry, now.get(id));
      if (outcome !== entry.outcome) {
        next[id] = { ...entry, outcome };
        moved = true;
      }
    }
    if (moved) {
      setRetried(next);
      refresh();
    }
  }, [parts.data]);

  async function retryRow(row: ExceptionRow) {
    const id = row.fo.id;
    setBusy(id);
    setProblems((was) => ({ ...was, [id]: undefined }));
    const problem = problemOf(await retry({ id }));
    setProblems((was) => ({ ...was, [id]: problem }));
    if (!problem) setRetried((was) => ({ ...was, [id]: { row, outcome: "retrying" } }));
    setBusy(undefined);
    refresh();
  }

  const orders = result.data?.orders;
  const rows = listedRows(exceptionRows(orders?.edges.map((edge) => edge.node) ?? []), retried);
  const shipped = Object.values(retried).filter((r) => r.outcome === "shipped");
  return (
    <section aria-labelledby="exceptions-title">
      <h1 id="exceptions-title">Exceptions</h1>
      <ErrorNote error={result.error} />
      {!orders ? (
        result.fetching ? <Loading what="exceptions" /> : null
      ) : (
        <>
          {shipped.length ? (
            <p role="status">
              {shipped
                .map(({ row }) => `${row.order.externalReference} from ${sourceOf(row)} shipped.`)
                .join(" ")}
            </p>
          ) : null}
          <DataTable
            label="Fulfillment orders in exception"
            rows={rows}
            rowKey={(row) => row.fo.id}
            empty="No fulfillment order is in exception."
            columns={[
              { header: "Client", cell: (row) => row.order.client?.code ?? "—" },
              {
                header: "Order",
                cell: (row) => (
                  <Link href={`/orders/${encodeURIComponent(row.order.id)}`}>
                    {row.order.externalReference}
                  </Link>
                ),
              },
              {
                header: "From",
                cell: (row) => row.fo.warehouse?.code ?? row.fo.supplier?.name ?? "—",
              },
              {
                header: "Reason",
                cell: (row) =>
                  row.retry === "retrying" ? "Retrying: waiting for the carrier's answer" : reasonOf(row.fo),
              },
              {
                header: "Since",
                cell: (row) => (
                  <time dateTime={exceptionSince(row.fo)}>
                    {formatTime(exceptionSince(row.fo), timeZone)}
                  </time>
                ),
              },
              {
                header: "Action",
                cell: (row) => (
                  <>
                    <button
                      type="button"
                      disabled={busy === row.fo.id || row.retry === "retrying"}
                      aria-label={`Retry ${row.order.externalReference} from ${sourceOf(row)}`}
                      onClick={() => retryRow(row)}
                    >
                      Retry
                    </button>
                    {row.retry === "refused again" ? <span class="muted"> Refused again</span> : null}
                    {problems[row.fo.id] ? (
                      <span class="error" role="alert">
                        {" "}
                        {problems[row.fo.id]}
                      </span>
                    ) : null}
                  </>
                ),
              },
            ]}
          />
          {orders.pageInfo.hasNextPage ? (
            <p class="muted">
              Showing the first {MOST_ORDERS} orders in exception; retry some to see the rest.
            </p>
          ) : null}
        </>
      )}
      <ErrorNote error={held.error} />
      <HeldForSkus data={held.data} timeZone={timeZone} />
    </section>
  );
}
