import { useClient, useMutation, useQuery } from "@urql/preact";
import { useEffect, useState } from "preact/hooks";
import { formatTime, humanize } from "../../format";
import type {
  FulfillmentStatus,
  RejectionReason,
  SupplierWorkFieldsFragment,
} from "../../gql/graphql";
import { Link } from "../../router";
import { useSession } from "../../session";
import { base64ToBytes, saveFile } from "../../ui/download";
import { type MutationAnswer, problemOf } from "../../ui/mutationResult";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ReasonForm } from "../../ui/ReasonForm";
import { ErrorNote, Loading } from "../../ui/states";
import { TrackingForm } from "../../ui/TrackingForm";
import { formatAddress } from "../shared/address";
import { StatusBadge } from "../shared/StatusBadge";
import { useEventBursts } from "../shared/orderEventBursts";
import {
  AcknowledgeDocument,
  BuyLabelDocument,
  RejectDocument,
  ShipDocument,
  SupplierLabelFileDocument,
  SupplierLabelledWorkDocument,
  SupplierShipFromDocument,
  SupplierWorkDocument,
  SupplierWorkEvents,
} from "./supplierDocuments";
import {
  canAcknowledge,
  changesWork,
  isOpen,
  isToDo,
  labelState,
  labelsToPrint,
  nextDeadline,
} from "./work";

type Work = SupplierWorkFieldsFragment;

/** How often the page asks again while a label is being bought (the refusal has no event). */
export const LABEL_POLL_MS = 2000;
const ASKED_KEY = "crossdock.supplier.labelsAsked";

const VIEWS: Record<string, { label: string; status: FulfillmentStatus[] | null }> = {
  open: { label: "To do", status: ["ALLOCATED", "PACKED", "EXCEPTION"] },
  shipped: { label: "Shipped", status: ["SHIPPED", "DELIVERED"] },
  cancelled: { label: "Rejected or cancelled", status: ["CANCELLED", "EXCEPTION"] },
  all: { label: "All", status: null },
};
const REASONS: RejectionReason[] = [
  "OUT_OF_STOCK",
  "CANNOT_SHIP_TO_DESTINATION",
  "DISCONTINUED",
  "BELOW_MINIMUM_QUANTITY",
  "OTHER",
];

/** The fulfillment orders routed to this supplier: acknowledge, reject or ship each. */
export function SupplierWork() {
  const [view, setView] = useState("open");
  const pages = useCursorPages();
  const [result, refetch] = useQuery({
    query: SupplierWorkDocument,
    variables: { first: 25, after: pages.after, status: VIEWS[view].status },
  });
  const [asked, setAsked] = useAskedLabels();
  const [labelled, refetchLabelled] = useQuery({
    query: SupplierLabelledWorkDocument,
    variables: { ids: asked },
    pause: asked.length === 0,
  });
  const [origin] = useQuery({ query: SupplierShipFromDocument });
  const hasShipFrom = origin.data ? Boolean(origin.data.viewer.supplier?.shipFrom) : undefined;
  const refresh = () => {
    refetch({ requestPolicy: "network-only" });
    if (asked.length) refetchLabelled({ requestPolicy: "network-only" });
  };
  // From the work read's position, kept while the page reads again (an event, another view
  // or page); a refused one reads afresh. One read per burst of events, and only for a
  // burst with one about work the page shows or work that may join this view.
  const shown = new Set([
    ...(result.data?.fulfillmentOrders.edges.map((e) => e.node.id) ?? []),
    ...asked,
  ]);
  useEventBursts(
    SupplierWorkEvents,
    "shipmentEvents",
    result.stale ? undefined : result.data?.eventPosition,
    (events) => {
      if (events.some((event) => changesWork(event, shown, VIEWS[view].status))) refresh();
    },
    refresh,
  );
  useEffect(() => pages.reset(), [view]);
  // Rejected work waiting in EXCEPTION for staff is no longer the supplier's to do.
  const work = (result.data?.fulfillmentOrders.edges.map((e) => e.node) ?? []).filter(
    (fo) => (view === "open" ? isToDo(fo) : view !== "cancelled" || !isOpen(fo)),
  );
  // (a paused query keeps its last answer: only the ids still asked for count)
  const askedWork = (labelled.data?.nodes ?? []).filter(
    (node): node is Work & { __typename?: "FulfillmentOrder" } =>
      Boolean(node && "status" in node && asked.includes(node.id)),
  );
  const toPrint = view === "open" ? labelsToPrint(askedWork, work) : [];
  // A refused label sends no event to the supplier: ask again while one is being bought.
  const buying = [...work, ...askedWork].some((fo) => labelState(fo) === "buying");
  useEffect(() => {
    if (!buying) return;
    const timer = window.setInterval(refresh, LABEL_POLL_MS);
    return () => window.clearInterval(timer);
  }, [buying, asked.join(",")]);

  return (
    <section aria-labelledby="work-title">
      <h1 id="work-title">Fulfillment requests</h1>
      <div class="filters" role="group" aria-label="Show">
        {Object.entries(VIEWS).map(([key, { label }]) => (
          <button type="button" aria-pressed={view === key} onClick={() => setView(key)}>
            {label}
          </button>
        ))}
      </div>
      <ErrorNote error={result.error} />
      {result.fetching && !result.data ? <Loading what="fulfillment requests" /> : null}
      {toPrint.length ? (
        <section aria-labelledby="labels-title">
          <h2 id="labels-title">Labels to print</h2>
          {toPrint.map((fo) => (
            <WorkCard
              key={fo.id}
              fo={fo}
              hasShipFrom={hasShipFrom}
              onChange={refresh}
              onDone={() => setAsked(asked.filter((id) => id !== fo.id))}
            />
          ))}
        </section>
      ) : null}
      {result.data && work.length === 0 ? (
        <p class="empty">{toPrint.length ? "Nothing else to do." : "Nothing here."}</p>
      ) : null}
      {work.map((fo) => (
        <WorkCard
          key={fo.id}
          fo={fo}
          hasShipFrom={hasShipFrom}
          onChange={refresh}
          onLabelAsked={() => setAsked([fo.id, ...asked.filter((id) => id !== fo.id)])}
        />
      ))}
      <Pager
        page={pages.page}
        hasNext={Boolean(result.data?.fulfillmentOrders.pageInfo.hasNextPage)}
        onNext={() => pages.next(result.data?.fulfillmentOrders.pageInfo.endCursor)}
        onPrevious={pages.previous}
      />
    </section>
  );
}

/** The ids of the work this tab asked labels for, kept across reloads of the tab. */
function useAskedLabels(): [string[], (ids: string[]) => void] {
  const [ids, setIds] = useState<string[]>(() => {
    try {
      const stored = JSON.parse(sessionStorage.getItem(ASKED_KEY) ?? "[]");
      return Array.isArray(stored) ? stored.filter((id) => typeof id === "string") : [];
    } catch {
      return [];
    }
  });
  const save = (next: string[]) => {
    const kept = next.slice(0, 50);
    sessionStorage.setItem(ASKED_KEY, JSON.stringify(kept));
    setIds(kept);
  };
  return [ids, save];
}

type CardProps = {
  fo: Work;
  /** Whether the supplier set where labels ship from; undefined while unknown. */
  hasShipFrom: boolean | undefined;
  onChange: () => void;
  onLabelAsked?: () => void;
  onDone?: () => void;
};

function WorkCard({ fo, hasShipFrom, onChange, onLabelAsked, onDone }: CardProps) {
  const { timeZone } = useSession();
  const client = useClient();
  const [, acknowledge] = useMutation(AcknowledgeDocument);
  const [, reject] = useMutation(RejectDocument);
  const [, ship] = useMutation(ShipDocument);
  const [, buyLabel] = useMutation(BuyLabelDocument);
  const [error, setError] = useState<string>();
  const deadline = nextDeadline(fo);
  const label = labelState(fo);
  const to = fo.shipTo;
  const title = `For ${to?.name ?? "?"}, ${to?.city ?? ""}`;

  async function run(action: () => Promise<MutationAnswer>, after?: () => void) {
    setError(undefined);
    const problem = problemOf(await action());
    setError(problem);
    if (!problem) after?.();
    onChange();
  }

  async function downloadLabel() {
    const answer = await client
      .query(SupplierLabelFileDocument, { id: fo.id }, { requestPolicy: "network-only" })
      .toPromise();
    const file = answer.data?.node && "label" in answer.data.node ? answer.data.node.label : null;
    if (!file) {
      setError(answer.error?.message ?? "The label could not be loaded.");
      return;
    }
    const pdf = file.labelFormat === "PDF";
    saveFile(
      `label-${file.trackingNumber}.${pdf ? "pdf" : "zpl"}`,
      base64ToBytes(file.labelBase64),
      pdf ? "application/pdf" : "application/octet-stream",
    );
  }

  return (
    <article class="card" aria-label={title}>
      <h2>
        {title} <StatusBadge status={fo.status} />
      </h2>
      <p class="muted">
        Routed {formatTime(fo.createdAt, timeZone)}
        {fo.acknowledgedAt ? ` · acknowledged ${formatTime(fo.acknowledgedAt, timeZone)}` : ""}
        {deadline ? (
          <span class={deadline.late ? "error" : undefined}>
            {` · ${deadline.what} by ${formatTime(deadline.by, timeZone)}`}
            {deadline.late ? " (late)" : ""}
          </span>
        ) : null}
      </p>
      {to ? (
        <address>{formatAddress(to)}</address>
      ) : null}
      <ul aria-label="Lines to ship">
        {fo.linesToShip.map((line) => (
          <li>
            {line.quantity} × {line.supplierSku ?? line.sku} <span class="muted">({line.sku})</span>
          </li>
        ))}
      </ul>
      {label === "refused" ? (
        <p class="error">
          The carrier refused the label{fo.labelRefusal ? `: ${fo.labelRefusal}` : "."} Check the
          address or parcel with the client and ask again, or ship with your own carrier and its
          tracking number.
        </p>
      ) : fo.exceptionReason ? (
        <p class="error">Exception: {humanize(fo.exceptionReason)}</p>
      ) : null}
      {label === "buying" ? (
        <p class="muted" role="status">
          Buying the label…
        </p>
      ) : null}
      {fo.label ? (
        <p class="label">
          Label: {fo.label.carrier} {fo.label.service} · tracking{" "}
          <span class="tracking">{fo.label.trackingNumber}</span> ·{" "}
          <button type="button" onClick={downloadLabel}>
            Download label ({fo.label.labelFormat})
          </button>
          {onDone ? (
            <>
              {" "}
              <button type="button" onClick={onDone}>
                Printed
              </button>
            </>
          ) : null}
        </p>
      ) : null}
      {fo.rejectedAt ? (
        <p>
          Rejected {formatTime(fo.rejectedAt, timeZone)}: {humanize(fo.rejectionReason ?? "OTHER")}
          {fo.rejectionNote ? ` — ${fo.rejectionNote}` : ""}
        </p>
      ) : null}
      {fo.trackingNumber && !fo.label ? (
        <p>
          Shipped {formatTime(fo.shippedAt, timeZone)} with {fo.carrier} ·{" "}
          <span class="tracking">{fo.trackingNumber}</span>
        </p>
      ) : null}
      {isOpen(fo) ? (
        <div class="actions">
          {canAcknowledge(fo) ? (
            <button type="button" onClick={() => run(() => acknowledge({ id: fo.id }))}>
              Acknowledge
            </button>
          ) : null}
          {hasShipFrom === false ? (
            <Link href="/ship-from">Set a ship-from address to buy labels</Link>
          ) : (
            <button type="button" onClick={() => run(() => buyLabel({ id: fo.id }), onLabelAsked)}>
              {label === "refused" ? "Buy label again" : "Buy label"}
            </button>
          )}
          <TrackingForm
            onSubmit={(carrier, trackingNumber) =>
              run(() => ship({ id: fo.id, carrier, trackingNumber }))
            }
          />
          <ReasonForm
            label="Reject"
            reasons={REASONS}
            submit="Reject"
            danger
            onSubmit={(reason, note) => run(() => reject({ id: fo.id, reason, note }))}
          />
        </div>
      ) : null}
      {error ? (
        <p class="error" role="alert">
          {error}
        </p>
      ) : null}
    </article>
  );
}
