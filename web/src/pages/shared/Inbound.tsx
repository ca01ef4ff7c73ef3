import { useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import { formatTime } from "../../format";
import { graphql } from "../../gql";
import type { InboundQuery } from "../../gql/graphql";
import { useSession } from "../../session";
import { problemOf } from "../../ui/mutationResult";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { AnnounceInbound } from "./AnnounceInbound";
import { StatusBadge } from "./StatusBadge";

const InboundDocument = graphql(`
  query Inbound($first: Int!, $after: String, $status: [InboundStatus!]) {
    inboundShipments(first: $first, after: $after, filter: { status: $status }) {
      edges {
        node {
          id
          reference
          status
          expectedAt
          createdAt
          client {
            code
          }
          warehouse {
            code
          }
          lines {
            id
            expectedQuantity
            receivedQuantity
            outstandingQuantity
            product {
              id
              sku
              name
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

const ReceiveDocument = graphql(`
  mutation Receive($id: ID!, $lines: [InboundLineInput!]!) {
    receiveInboundShipment(input: { id: $id, lines: $lines }) {
      inboundShipment {
        id
        status
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const CloseDocument = graphql(`
  mutation CloseInbound($id: ID!) {
    closeInboundShipment(input: { id: $id }) {
      inboundShipment {
        id
        status
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

type Shipment = InboundQuery["inboundShipments"]["edges"][number]["node"];

/** The lines of a receipt: what was counted per product, leaving out nothing-received lines. */
export function receivedLines(
  shipment: Pick<Shipment, "lines">,
  counted: Record<string, string>,
): { productId: string; quantity: number }[] {
  return shipment.lines
    .map((line) => ({
      productId: line.product.id,
      quantity: Number.parseInt(counted[line.id] ?? String(line.outstandingQuantity), 10) || 0,
    }))
    .filter((line) => line.quantity > 0);
}

/** Inbound shipments; a client announces what it sends (or staff for a client they choose),
 * staff receive what arrived (partly or over) and close what never will. */
export function Inbound({
  canReceive = false,
  canAnnounce = false,
  staff = false,
}: {
  canReceive?: boolean;
  canAnnounce?: boolean;
  staff?: boolean;
}) {
  const [announced, setAnnounced] = useState<string>();
  const [open, setOpen] = useState(true);
  const pages = useCursorPages();
  const [result, refetch] = useQuery({
    query: InboundDocument,
    variables: { first: 25, after: pages.after, status: open ? ["OPEN", "RECEIVING"] : null },
  });
  const refresh = () => refetch({ requestPolicy: "network-only" });
  const shipments = result.data?.inboundShipments.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="inbound-title">
      <h1 id="inbound-title">Inbound shipments</h1>
      <div class="filters" role="group" aria-label="Show">
        <button type="button" aria-pressed={open} onClick={() => setOpen(true)}>
          Expected
        </button>
        <button type="button" aria-pressed={!open} onClick={() => setOpen(false)}>
          All
        </button>
      </div>
      {canAnnounce ? (
        <AnnounceInbound
          staff={staff}
          onAnnounced={(reference) => {
            setAnnounced(reference);
            refresh();
          }}
        />
      ) : null}
      {announced ? <p role="status">Announced {announced}: the warehouse expects it.</p> : null}
      <ErrorNote error={result.error} />
      {result.fetching && !result.data ? <Loading what="inbound shipments" /> : null}
      {result.data && shipments.length === 0 ? <p class="empty">Nothing expected.</p> : null}
      {shipments.map((shipment) => (
        <ShipmentCard key={shipment.id} shipment={shipment} canReceive={canReceive} onChange={refresh} />
      ))}
      <Pager
        page={pages.page}
        hasNext={Boolean(result.data?.inboundShipments.pageInfo.hasNextPage)}
        onNext={() => pages.next(result.data?.inboundShipments.pageInfo.endCursor)}
        onPrevious={pages.previous}
      />
    </section>
  );
}

function ShipmentCard({
  shipment,
  canReceive,
  onChange,
}: {
  shipment: Shipment;
  canReceive: boolean;
  onChange: () => void;
}) {
  const { timeZone } = useSession();
  const [, receive] = useMutation(ReceiveDocument);
  const [, close] = useMutation(CloseDocument);
  const [counted, setCounted] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const receiving = canReceive && shipment.status !== "CLOSED";

  async function submit(event: Event) {
    event.preventDefault();
    setError(problemOf(await receive({ id: shipment.id, lines: receivedLines(shipment, counted) })));
    setCounted({});
    onChange();
  }

  return (
    <form class="card" aria-label={`Inbound ${shipment.reference}`} onSubmit={submit}>
      <h2>
        {shipment.reference} <StatusBadge status={shipment.status} />
      </h2>
      <p class="muted">
        {shipment.client.code} → {shipment.warehouse.code} · announced{" "}
        {formatTime(shipment.createdAt, timeZone)}
        {shipment.expectedAt ? ` · expected ${formatTime(shipment.expectedAt, timeZone)}` : ""}
      </p>
      <div class="table-scroll">
        <table aria-label={`Lines of ${shipment.reference}`}>
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col">Product</th>
              <th scope="col" class="num">Expected</th>
              <th scope="col" class="num">Received</th>
              {receiving ? <th scope="col">Receive now</th> : null}
            </tr>
          </thead>
          <tbody>
            {shipment.lines.map((line) => (
              <tr key={line.id}>
                <td>{line.product.sku}</td>
                <td>{line.product.name}</td>
                <td class="num">{line.expectedQuantity}</td>
                <td class="num">{line.receivedQuantity}</td>
                {receiving ? (
                  <td>
                    <input
                      type="number"
                      min="0"
                      aria-label={`Receive ${line.product.sku}`}
                      value={counted[line.id] ?? String(line.outstandingQuantity)}
                      onInput={(e) => setCounted({ ...counted, [line.id]: e.currentTarget.value })}
                    />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {receiving ? (
        <div class="actions">
          <button type="submit">Receive</button>
          <button
            type="button"
            onClick={async () => {
              if (!window.confirm(`Close ${shipment.reference}? Nothing more will be expected.`)) return;
              setError(problemOf(await close({ id: shipment.id })));
              onChange();
            }}
          >
            Close
          </button>
        </div>
      ) : null}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
