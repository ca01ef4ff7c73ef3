import { useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import { formatTime } from "../../format";
import type { ChannelConnectionRowFragment } from "../../gql/graphql";
import { Link } from "../../router";
import { useSession } from "../../session";
import { problemOf } from "../../ui/mutationResult";
import { ErrorNote, Loading } from "../../ui/states";
import { useEventBursts } from "../shared/orderEventBursts";
import {
  ChannelConnectionDocument,
  ChannelOrderEventsDocument,
  CheckChannelConnectionDocument,
  DisconnectChannelConnectionDocument,
  UpdateChannelConnectionDocument,
} from "./channelDocuments";
import {
  formatLag,
  healthOf,
  importedInto,
  KIND_LABELS,
  type Switch,
  SWITCHES,
  switchInput,
} from "./channels";
import { ChangeCredentials, Resync } from "./ChannelForms";
import { webhookUrl } from "./ConnectShop";
import { countsText } from "./SalesChannels";
import { SkuMappings } from "./SkuMappings";

type Check = {
  reachable: boolean;
  message?: string | null;
  shopName?: string | null;
  locationId?: string | null;
  details?: readonly { name: string; value: string }[] | null;
};

/** One shop connection: what it has done, checking it, its switches, new credentials,
 * resyncing, its SKU mappings and the orders waiting for them; live on import. */
export function ChannelConnection({ id, staff = false, canChange = false }: { id: string; staff?: boolean; canChange?: boolean }) {
  const { timeZone } = useSession();
  const [result, refetch] = useQuery({ query: ChannelConnectionDocument, variables: { id } });
  const [, check] = useMutation(CheckChannelConnectionDocument);
  const [, update] = useMutation(UpdateChannelConnectionDocument);
  const [, disconnect] = useMutation(DisconnectChannelConnectionDocument);
  const [checking, setChecking] = useState(false);
  const [disconnecting, setDisconnecting] = useState(false);
  const [released, setReleased] = useState<{ shopReleased: boolean; message?: string | null }>();
  const [checked, setChecked] = useState<Check>();
  const [problem, setProblem] = useState<string>();
  const refresh = () => refetch({ requestPolicy: "network-only" });
  const node = result.data?.node;
  const connection = node && "shopUrl" in node ? (node as ChannelConnectionRowFragment) : null;
  // Live on import, as the list: one read per burst with an import into this shop (its
  // counts, last import and held orders moved).
  useEventBursts(
    ChannelOrderEventsDocument,
    "orderEvents",
    result.stale ? undefined : result.data?.eventPosition,
    (events) => {
      if (connection && events.some((event) => importedInto(event, [connection]))) refresh();
    },
    refresh,
  );

  async function runCheck() {
    setChecking(true);
    setChecked(undefined);
    const answer = await check({ id });
    setChecking(false);
    const payload = answer.data?.checkChannelConnection;
    const refused = problemOf(answer);
    if (refused) setProblem(refused);
    else if (payload)
      setChecked({
        reachable: Boolean(payload.reachable),
        message: payload.message,
        shopName: payload.channelConnection?.shopName,
        locationId: payload.channelConnection?.locationId,
        details: payload.details,
      });
    refresh();
  }

  async function runDisconnect(name: string) {
    const ask =
      `Disconnect ${name}? Orders stop coming in from the shop, and shipments and stock stop going to it. ` +
      "Its orders and history stay; the shop can be connected again later as a new connection.";
    if (!window.confirm(ask)) return;
    setDisconnecting(true);
    const answer = await disconnect({ id });
    setDisconnecting(false);
    const refused = problemOf(answer);
    const payload = answer.data?.disconnectChannelConnection;
    if (refused) setProblem(refused);
    else if (payload) setReleased({ shopReleased: Boolean(payload.shopReleased), message: payload.message });
    refresh();
  }

  async function flip(name: Switch, on: boolean) {
    setProblem(problemOf(await update({ input: switchInput(id, name, on) })));
    refresh();
  }

  if (result.fetching && !result.data) return <Loading what="the sales channel" />;
  if (!connection)
    return (
      <section aria-labelledby="channel-title">
        <h1 id="channel-title">Sales channel</h1>
        <ErrorNote error={result.error ?? "No such sales channel."} />
        <Link href="/channels">All sales channels</Link>
      </section>
    );
  const c = connection;
  return (
    <section aria-labelledby="channel-title">
      <p>
        <Link href="/channels">All sales channels</Link>
      </p>
      <h1 id="channel-title">
        {c.name} <span class="muted">· {KIND_LABELS[c.kind]}</span>
      </h1>
      <ErrorNote error={problem ?? result.error} />
      {released ? <DisconnectResult released={released} /> : null}
      {c.disconnectedAt ? (
        <p class="muted">
          Disconnected {formatTime(c.disconnectedAt, timeZone)}: nothing flows through it any more. Its orders and
          history stay below; the shop can be connected again as a new connection.
        </p>
      ) : null}
      {canChange && !c.disconnectedAt ? (
        <div class="actions check-row">
          <button type="button" onClick={runCheck} disabled={checking}>
            {checking ? "Checking…" : "Check connection"}
          </button>
          <span class="muted">calls the shop with the stored credentials and says what it found</span>
        </div>
      ) : null}
      {checked ? <CheckResult checked={checked} /> : null}
      <dl class="facts">
        {staff ? (
          <>
            <dt>Client</dt>
            <dd>{c.client ? `${c.client.code} · ${c.client.name}` : "—"}</dd>
          </>
        ) : null}
        <dt>Shop</dt>
        <dd>
          {c.shopUrl}
          {c.shopName ? ` (${c.shopName})` : ""}
          {c.locationId ? `, location ${c.locationId}` : ""}
        </dd>
        <dt>Warehouse</dt>
        <dd>{c.warehouse ? `${c.warehouse.code} · ${c.warehouse.name}` : "—"}</dd>
        <dt>Webhook address</dt>
        <dd>
          <code>{webhookUrl(c.webhookPath)}</code>
        </dd>
        <dt>Health</dt>
        <dd>
          {healthOf(c)} · last poll {formatTime(c.lastPolledAt, timeZone)} · lag {formatLag(c.lagSeconds)} · last
          import {formatTime(c.lastImportAt, timeZone)}
        </dd>
        <dt>Orders</dt>
        <dd>
          {countsText(c.counts)} · {c.counts.shipmentsReported} shipments reported · {c.counts.stockPushes} stock
          pushes, {c.counts.stockPending} products waiting for one
        </dd>
        <dt>Last error</dt>
        <dd class={c.lastError ? "error" : undefined}>
          {c.lastError ? `${c.lastError} (${formatTime(c.lastErrorAt, timeZone)})` : "None"}
        </dd>
      </dl>
      <SkuMappings
        connectionId={id}
        clientId={staff ? c.client?.id : undefined}
        mappings={result.data?.channelSkuMappings.edges.map((e) => e.node) ?? []}
        channelOrders={result.data?.channelOrders.edges.map((e) => e.node) ?? []}
        canChange={canChange}
        onChanged={refresh}
      />
      {canChange && !c.disconnectedAt ? (
        <>
          <fieldset class="panel">
            <legend>Switches</legend>
            <div class="line-row">
              {SWITCHES.map((s) => (
                <label class="check">
                  <input type="checkbox" checked={c[s.name]} onChange={(e) => flip(s.name, e.currentTarget.checked)} />
                  {s.label}
                </label>
              ))}
            </div>
          </fieldset>
          <Resync id={id} onDone={refresh} />
          <ChangeCredentials id={id} kind={c.kind} onDone={refresh} />
          <fieldset class="panel">
            <legend>Disconnect</legend>
            <div class="actions">
              <button type="button" class="danger" onClick={() => runDisconnect(c.name)} disabled={disconnecting}>
                {disconnecting ? "Disconnecting…" : "Disconnect shop"}
              </button>
              <span class="muted">
                stops imports, shipment reports and stock pushes; keeps its orders and history
                {c.kind === "SHOPIFY" ? "; removes Crossdock's fulfillment service from the shop" : ""}
              </span>
            </div>
          </fieldset>
        </>
      ) : null}
    </section>
  );
}

function CheckResult({ checked }: { checked: Check }) {
  if (!checked.reachable)
    return (
      <p class="error" role="alert">
        The shop refused: {checked.message ?? "no answer"}
      </p>
    );
  return (
    <p role="status">
      Reached the shop{checked.shopName ? `: ${checked.shopName}` : ""}
      {checked.locationId ? `, fulfilling from its location ${checked.locationId}` : ""}
      {checked.details?.length ? `; ${checked.details.map((d) => `${d.name} ${d.value}`).join(", ")}` : ""}. The
      credentials work.
    </p>
  );
}

function DisconnectResult({ released }: { released: { shopReleased: boolean; message?: string | null } }) {
  if (!released.shopReleased)
    return (
      <p class="error" role="alert">
        Disconnected, but the shop could not be told: {released.message ?? "no answer"}. Remove Crossdock's
        fulfillment service in the shop's admin.
      </p>
    );
  return <p role="status">Disconnected. Nothing flows between Crossdock and the shop any more.</p>;
}
