import { useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import { formatTime } from "../../format";
import type { ChannelConnectionRowFragment } from "../../gql/graphql";
import { Link, navigate } from "../../router";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { InviteTargetsDocument } from "../people/peopleDocuments";
import { useEventBursts } from "../shared/orderEventBursts";
import { ChannelConnectionsDocument, ChannelOrderEventsDocument } from "./channelDocuments";
import { formatLag, healthOf, importedInto, KIND_LABELS, SWITCHES } from "./channels";
import { ConnectShop } from "./ConnectShop";

type Props = {
  /** Staff: every client's shops, a client filter and column, a client chosen per new shop. */
  staff?: boolean;
  /** Whether the person may connect shops (`orders:write`). */
  canChange?: boolean;
};

/** The path of one connection's page, the same in the console and the portal. */
export function channelPath(id: string): string {
  return `/channels/${encodeURIComponent(id)}`;
}

/** What a connection has done, in one cell. */
export function countsText(counts: ChannelConnectionRowFragment["counts"]): string {
  return `${counts.imported} imported · ${counts.held} held · ${counts.failed} failed`;
}

function HealthBadge({ connection }: { connection: ChannelConnectionRowFragment }) {
  const health = healthOf(connection);
  return <span class={`badge health-${health.toLowerCase().replaceAll(" ", "-")}`}>{health}</span>;
}

/** Shops connected as sales channels, with their health: a client's own, or (staff) every
 * client's; a form to connect one. Counts and last import follow imports live. */
export function SalesChannels({ staff = false, canChange = false }: Props) {
  const { timeZone } = useSession();
  const pages = useCursorPages();
  const [clientId, setClientId] = useState("");
  const [targets] = useQuery({ query: InviteTargetsDocument, pause: !staff });
  const [result, refetch] = useQuery({
    query: ChannelConnectionsDocument,
    variables: { first: 50, after: pages.after, clientId: clientId || null },
  });
  const connections = result.data?.channelConnections.edges.map((e) => e.node) ?? [];
  const clients = targets.data?.clients.edges.map((e) => e.node) ?? [];
  const refresh = () => refetch({ requestPolicy: "network-only" });
  // Live on import: from the read's position, one read per burst of order events with an
  // import into a listed shop (its counts and last import moved); a refused position reads
  // afresh.
  useEventBursts(
    ChannelOrderEventsDocument,
    "orderEvents",
    result.stale ? undefined : result.data?.eventPosition,
    (events) => {
      if (events.some((event) => importedInto(event, connections))) refresh();
    },
    refresh,
  );

  return (
    <section aria-labelledby="channels-title">
      <h1 id="channels-title">Sales channels</h1>
      <p class="muted">
        Shops whose orders come in by themselves; shipments and stock go back to them.
      </p>
      {staff ? (
        <div class="filters">
          <label>
            Show shops of
            <select
              value={clientId}
              onChange={(e) => {
                setClientId(e.currentTarget.value);
                pages.reset();
              }}
            >
              <option value="">All clients</option>
              {clients.map((c) => (
                <option value={c.id}>
                  {c.code} · {c.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      ) : null}
      <ErrorNote error={result.error} />
      {result.fetching && !result.data ? (
        <Loading what="sales channels" />
      ) : (
        <DataTable
          label="Sales channels"
          rows={connections}
          rowKey={(c) => c.id}
          onOpen={(c) => navigate(channelPath(c.id))}
          empty={staff || !canChange ? "No shops connected yet." : "No shops connected yet: connect one below."}
          columns={[
            ...(staff ? [{ header: "Client", cell: (c: ChannelConnectionRowFragment) => c.client?.code ?? "—" }] : []),
            { header: "Name", cell: (c) => <Link href={channelPath(c.id)}>{c.name}</Link> },
            { header: "Health", cell: (c) => <HealthBadge connection={c} /> },
            { header: "Lag", cell: (c) => formatLag(c.lagSeconds), className: "num" },
            { header: "Last import", cell: (c) => formatTime(c.lastImportAt, timeZone) },
            { header: "Orders", cell: (c) => countsText(c.counts) },
            {
              header: "Last error",
              cell: (c) => (c.lastError ? `${c.lastError} (${formatTime(c.lastErrorAt, timeZone)})` : "—"),
              className: "wrap",
            },
            { header: "Platform", cell: (c) => KIND_LABELS[c.kind] },
            { header: "Shop", cell: (c) => (c.shopName ? `${c.shopName} (${c.shopUrl})` : c.shopUrl) },
            { header: "Warehouse", cell: (c) => c.warehouse?.code ?? "—" },
            {
              header: "Switches",
              cell: (c) =>
                SWITCHES.filter((s) => c[s.name])
                  .map((s) => s.label)
                  .join(", ") || "All off",
            },
          ]}
        />
      )}
      <Pager
        page={pages.page}
        hasNext={Boolean(result.data?.channelConnections.pageInfo.hasNextPage)}
        onNext={() => pages.next(result.data?.channelConnections.pageInfo.endCursor)}
        onPrevious={pages.previous}
      />
      {canChange ? <ConnectShop staff={staff} onConnected={refresh} /> : null}
    </section>
  );
}
