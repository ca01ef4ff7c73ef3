import { useMutation, useQuery, useSubscription } from "@urql/preact";
import { useEffect, useState } from "preact/hooks";
import { formatTime, humanize } from "../../format";
import type { FulfillmentStatus, RejectionReason, SupplierWorkQuery } from "../../gql/graphql";
import { useSession } from "../../session";
import { type MutationAnswer, problemOf } from "../../ui/mutationResult";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ReasonForm } from "../../ui/ReasonForm";
import { ErrorNote, Loading } from "../../ui/states";
import { TrackingForm } from "../../ui/TrackingForm";
import { formatAddress } from "../shared/address";
import { StatusBadge } from "../shared/StatusBadge";
import {
  AcknowledgeDocument,
  RejectDocument,
  ShipDocument,
  SupplierWorkDocument,
  SupplierWorkEvents,
} from "./supplierDocuments";
import { canAcknowledge, isOpen, nextDeadline } from "./work";

type Work = SupplierWorkQuery["fulfillmentOrders"]["edges"][number]["node"];

const VIEWS: Record<string, { label: string; status: FulfillmentStatus[] | null }> = {
  open: { label: "To do", status: ["ALLOCATED", "EXCEPTION"] },
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
  const [live] = useSubscription({ query: SupplierWorkEvents });
  const refresh = () => refetch({ requestPolicy: "network-only" });
  useEffect(() => {
    if (live.data) refresh();
  }, [live.data]);
  useEffect(() => pages.reset(), [view]);
  // Rejected work waiting in EXCEPTION for staff is no longer the supplier's to do.
  const work = (result.data?.fulfillmentOrders.edges.map((e) => e.node) ?? []).filter(
    (fo) => (view === "open" ? isOpen(fo) : view !== "cancelled" || !isOpen(fo)),
  );

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
      {result.data && work.length === 0 ? <p class="empty">Nothing here.</p> : null}
      {work.map((fo) => (
        <WorkCard key={fo.id} fo={fo} onChange={refresh} />
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

function WorkCard({ fo, onChange }: { fo: Work; onChange: () => void }) {
  const { timeZone } = useSession();
  const [, acknowledge] = useMutation(AcknowledgeDocument);
  const [, reject] = useMutation(RejectDocument);
  const [, ship] = useMutation(ShipDocument);
  const [error, setError] = useState<string>();
  const deadline = nextDeadline(fo);
  const to = fo.shipTo;
  const title = `For ${to?.name ?? "?"}, ${to?.city ?? ""}`;

  async function run(action: () => Promise<MutationAnswer>) {
    setError(undefined);
    setError(problemOf(await action()));
    onChange();
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
      {fo.exceptionReason ? <p class="error">Exception: {humanize(fo.exceptionReason)}</p> : null}
      {fo.rejectedAt ? (
        <p>
          Rejected {formatTime(fo.rejectedAt, timeZone)}: {humanize(fo.rejectionReason ?? "OTHER")}
          {fo.rejectionNote ? ` — ${fo.rejectionNote}` : ""}
        </p>
      ) : null}
      {fo.trackingNumber ? (
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
