import { useClient, useMutation, useQuery } from "@urql/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { formatMoney, formatTime, humanize } from "../../format";
import type { HoldReason, OrderDetailQuery } from "../../gql/graphql";
import { Link } from "../../router";
import { useSession } from "../../session";
import { base64ToBytes, saveFile } from "../../ui/download";
import { type MutationAnswer, problemOf } from "../../ui/mutationResult";
import { ReasonForm } from "../../ui/ReasonForm";
import { ErrorNote, Loading } from "../../ui/states";
import { TrackingForm } from "../../ui/TrackingForm";
import { formatAddress } from "../shared/address";
import { StatusBadge } from "../shared/StatusBadge";
import { eventOrderId, type OrderRelated } from "../shared/eventOrder";
import { BURST_MS, useEventBursts } from "../shared/orderEventBursts";
import {
  CancelOrderDocument,
  MarkDeliveredDocument,
  MarkPackedDocument,
  MarkShippedDocument,
  nextStep,
  PlaceHoldDocument,
  ReleaseHoldDocument,
  RetryDispatchDocument,
  StartPickingDocument,
} from "./fulfillmentSteps";
import {
  OrderDetailDocument,
  OrderLiveDocument,
  ShipmentLabelDocument,
  ShipmentLiveDocument,
} from "./orderDetailQuery";
import { orderTimeline } from "./timeline";

type Order = NonNullable<OrderDetailQuery["order"]>;
type FulfillmentOrder = Order["fulfillmentOrders"][number];

const HOLD_REASONS: HoldReason[] = [
  "AWAITING_PAYMENT",
  "INCORRECT_ADDRESS",
  "FRAUD_RISK",
  "CLIENT_REQUEST",
  "OTHER",
];

/** One order: lines, holds, fulfillment orders with their steps and labels, a timeline. */
export function OrderDetail({ id, readOnly = false }: { id: string; readOnly?: boolean }) {
  const { timeZone } = useSession();
  const [result, refetch] = useQuery({ query: OrderDetailDocument, variables: { id } });
  // Both subscribe from the read's position (nothing between the read and them is missed)
  // and keep it while the page reads again on each event; a refused one reads afresh.
  const position = result.stale ? undefined : result.data?.eventPosition;
  const reread = () => refetch({ requestPolicy: "network-only" });
  // Only events about this order (its own, its fulfillment orders' and shipments'), and a
  // burst of them (on either subscription) makes one read.
  const thisOrder = result.data?.order?.id ?? id;
  const later = useRef<number | undefined>(undefined);
  const onBurst = (events: OrderRelated[]) => {
    if (!events.some((event) => eventOrderId(event) === thisOrder)) return;
    window.clearTimeout(later.current);
    later.current = window.setTimeout(reread, BURST_MS);
  };
  useEffect(() => () => window.clearTimeout(later.current), []);
  useEventBursts(OrderLiveDocument, "orderEvents", position, onBurst, reread);
  useEventBursts(ShipmentLiveDocument, "shipmentEvents", position, onBurst, reread);

  if (result.fetching && !result.data) return <Loading what="the order" />;
  const order = result.data?.order;
  if (!order) {
    return (
      <section>
        <ErrorNote error={result.error} />
        <h1>Order not found</h1>
        <p>
          No order with this id is visible to you. <Link href="/">Back to the orders</Link>
        </p>
      </section>
    );
  }
  const refresh = () => refetch({ requestPolicy: "network-only" });
  return (
    <section aria-labelledby="order-title">
      <p>
        <Link href="/">← Orders</Link>
      </p>
      <h1 id="order-title">
        Order {order.externalReference} <StatusBadge status={order.status} />
      </h1>
      <p>
        {order.client ? `${order.client.code} · ${order.client.name} · ` : ""}
        {humanize(order.serviceLevel)} · created {formatTime(order.createdAt, timeZone)} by{" "}
        {order.createdBy}
      </p>
      <address>{formatAddress(order.shipTo)}</address>

      <h2>Lines</h2>
      <div class="table-scroll">
        <table aria-label="Order lines">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">SKU</th>
              <th scope="col">Product</th>
              <th scope="col" class="num">Ordered</th>
              <th scope="col" class="num">Allocated</th>
              <th scope="col" class="num">Backordered</th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <tr key={line.lineNumber}>
                <td>{line.lineNumber}</td>
                <td>{line.sku}</td>
                <td>{line.product?.name ?? "—"}</td>
                <td class="num">{line.quantity}</td>
                <td class="num">{line.allocatedQuantity}</td>
                <td class="num">{line.backorderedQuantity}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>Fulfillment</h2>
      {order.fulfillmentOrders.length === 0 ? <p class="empty">Nothing to fulfil yet.</p> : null}
      {order.fulfillmentOrders.map((fo) => (
        <FulfillmentCard fo={fo} readOnly={readOnly} onChange={refresh} />
      ))}

      <Holds order={order} readOnly={readOnly} onChange={refresh} />

      <h2>Timeline</h2>
      <ol class="timeline" aria-label="Events">
        {orderTimeline(order).map((event) => (
          <li>
            <time dateTime={event.at}>{formatTime(event.at, timeZone)}</time> {event.what}
          </li>
        ))}
      </ol>
    </section>
  );
}

function FulfillmentCard({
  fo,
  readOnly,
  onChange,
}: {
  fo: FulfillmentOrder;
  readOnly: boolean;
  onChange: () => void;
}) {
  const { timeZone } = useSession();
  const client = useClient();
  const [, pick] = useMutation(StartPickingDocument);
  const [, pack] = useMutation(MarkPackedDocument);
  const [, ship] = useMutation(MarkShippedDocument);
  const [, deliver] = useMutation(MarkDeliveredDocument);
  const [, retry] = useMutation(RetryDispatchDocument);
  const [error, setError] = useState<string>();
  const step = nextStep(fo.status);

  async function run(action: () => Promise<MutationAnswer>) {
    setError(undefined);
    setError(problemOf(await action()));
    onChange();
  }

  async function downloadLabel() {
    if (!fo.shipment) return;
    const answer = await client
      .query(ShipmentLabelDocument, { id: fo.shipment.id }, { requestPolicy: "network-only" })
      .toPromise();
    const node = answer.data?.node;
    if (!node || node.__typename !== "Shipment") {
      setError(answer.error?.message ?? "The label could not be loaded.");
      return;
    }
    const pdf = node.labelFormat === "PDF";
    saveFile(
      `label-${node.trackingNumber}.${pdf ? "pdf" : "zpl"}`,
      base64ToBytes(node.labelBase64),
      pdf ? "application/pdf" : "application/octet-stream",
    );
  }

  return (
    <article class="card" aria-label={`Fulfillment from ${fo.warehouse?.code ?? "elsewhere"}`}>
      <h3>
        {fo.warehouse?.code ?? "Elsewhere"} <StatusBadge status={fo.status} />
      </h3>
      <p>
        {fo.lines.map((line) => `${line.quantity} × ${line.product?.sku ?? "?"}`).join(", ")}
      </p>
      {fo.dispatch?.exceptionReason ? (
        <p class="error">
          Exception: {fo.dispatch.exceptionReason}
          {fo.dispatch.lastError ? ` (${fo.dispatch.lastError})` : ""}
        </p>
      ) : null}
      {fo.shipment ? (
        <p class="shipment">
          Label: {fo.shipment.carrier} {fo.shipment.service} · tracking{" "}
          <span class="tracking">{fo.shipment.trackingNumber}</span> ·{" "}
          {formatMoney(fo.shipment.cost)} · {humanize(fo.shipment.status)} ·{" "}
          <button type="button" onClick={downloadLabel}>
            Download label ({fo.shipment.labelFormat})
          </button>
        </p>
      ) : fo.trackingNumber ? (
        <p>
          Shipped by hand: {fo.carrier} {fo.trackingNumber} ·{" "}
          {formatTime(fo.shippedAt, timeZone)}
        </p>
      ) : fo.status === "PACKED" ? (
        <p class="muted">Waiting for a label{fo.dispatch ? ` (${humanize(fo.dispatch.status)})` : ""}…</p>
      ) : null}
      {readOnly ? null : (
        <div class="actions">
          {step === "pick" ? (
            <button type="button" onClick={() => run(() => pick({ id: fo.id }))}>
              Start picking
            </button>
          ) : null}
          {step === "pack" ? (
            <button type="button" onClick={() => run(() => pack({ id: fo.id }))}>
              Mark packed
            </button>
          ) : null}
          {step === "ship" ? (
            <TrackingForm
              onSubmit={(carrier, trackingNumber) =>
                run(() => ship({ id: fo.id, carrier, trackingNumber }))
              }
            />
          ) : null}
          {step === "deliver" ? (
            <button type="button" onClick={() => run(() => deliver({ id: fo.id }))}>
              Mark delivered
            </button>
          ) : null}
          {fo.status === "EXCEPTION" || fo.dispatch?.status === "FAILED" ? (
            <button type="button" onClick={() => run(() => retry({ id: fo.id }))}>
              Retry dispatch
            </button>
          ) : null}
        </div>
      )}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </article>
  );
}

/** An UNMAPPED_SKU hold's channel SKUs, each as code, with where to map them while it holds. */
export function UnmappedSkus({ skus, released }: { skus: readonly string[]; released: boolean }) {
  return (
    <>
      {" — channel SKUs mapped to no product: "}
      {skus.map((sku, index) => (
        <span key={sku}>
          {index ? ", " : ""}
          <code>{sku}</code>
        </span>
      ))}
      {released ? null : (
        <>
          {" "}
          (<Link href="/channels">map them under Sales channels</Link>)
        </>
      )}
    </>
  );
}

function Holds({
  order,
  readOnly,
  onChange,
}: {
  order: Order;
  readOnly: boolean;
  onChange: () => void;
}) {
  const { timeZone } = useSession();
  const [, place] = useMutation(PlaceHoldDocument);
  const [, release] = useMutation(ReleaseHoldDocument);
  const [, cancel] = useMutation(CancelOrderDocument);
  const [error, setError] = useState<string>();

  async function run(action: () => Promise<MutationAnswer>) {
    setError(undefined);
    setError(problemOf(await action()));
    onChange();
  }

  return (
    <>
      <h2>Holds</h2>
      {order.holds.length === 0 ? <p class="empty">No holds.</p> : null}
      <ul>
        {order.holds.map((hold) => (
          <li key={hold.id}>
            {humanize(hold.reason)}
            {hold.unmappedSkus.length ? (
              <UnmappedSkus skus={hold.unmappedSkus} released={!!hold.releasedAt} />
            ) : hold.note ? (
              ` — ${hold.note}`
            ) : (
              ""
            )}{" "}
            · placed by {hold.placedBy}{" "}
            {formatTime(hold.placedAt, timeZone)}
            {hold.releasedAt ? (
              ` · released by ${hold.releasedBy} ${formatTime(hold.releasedAt, timeZone)}`
            ) : readOnly ? null : (
              <button type="button" onClick={() => run(() => release({ id: hold.id }))}>
                Release
              </button>
            )}
          </li>
        ))}
      </ul>
      {readOnly ? null : (
        <div class="actions">
          <ReasonForm
            label="Place a hold"
            reasons={HOLD_REASONS}
            submit="Place hold"
            onSubmit={(reason, note) => run(() => place({ id: order.id, reason, note }))}
          />
          <button
            type="button"
            class="danger"
            onClick={() => {
              if (window.confirm(`Cancel order ${order.externalReference}?`))
                run(() => cancel({ id: order.id }));
            }}
          >
            Cancel order
          </button>
        </div>
      )}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}
