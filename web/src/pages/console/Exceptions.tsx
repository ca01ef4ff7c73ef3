import { useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import { formatTime, humanize } from "../../format";
import { graphql } from "../../gql";
import type { ExceptionOrdersQuery } from "../../gql/graphql";
import { Link } from "../../router";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { problemOf } from "../../ui/mutationResult";
import { ErrorNote, Loading } from "../../ui/states";
import { RetryDispatchDocument } from "./fulfillmentSteps";

/** How many orders in EXCEPTION one page lists. */
export const MOST_ORDERS = 100;

const ExceptionOrders = graphql(`
  query ExceptionOrders($first: Int!) {
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

function reasonOf(fo: FulfillmentOrder): string {
  const kind = fo.exceptionReason ? humanize(fo.exceptionReason) : "Exception";
  const words = fo.dispatch?.exceptionReason ?? fo.labelRefusal;
  return words ? `${kind}: ${words}` : kind;
}

/**
 * Fulfillment orders in EXCEPTION across clients, with why and since when; Retry dispatches
 * one again, its refusal shown on its row, and the list is asked for again after each retry.
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

  async function retryRow(id: string) {
    setBusy(id);
    setProblems((was) => ({ ...was, [id]: undefined }));
    const problem = problemOf(await retry({ id }));
    setProblems((was) => ({ ...was, [id]: problem }));
    setBusy(undefined);
    refetch({ requestPolicy: "network-only" });
  }

  const orders = result.data?.orders;
  const rows = exceptionRows(orders?.edges.map((edge) => edge.node) ?? []);
  return (
    <section aria-labelledby="exceptions-title">
      <h1 id="exceptions-title">Exceptions</h1>
      <ErrorNote error={result.error} />
      {!orders ? (
        result.fetching ? <Loading what="exceptions" /> : null
      ) : (
        <>
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
              { header: "Reason", cell: (row) => reasonOf(row.fo) },
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
                      disabled={busy === row.fo.id}
                      aria-label={`Retry ${row.order.externalReference} from ${
                        row.fo.warehouse?.code ?? row.fo.supplier?.name ?? "elsewhere"
                      }`}
                      onClick={() => retryRow(row.fo.id)}
                    >
                      Retry
                    </button>
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
    </section>
  );
}
