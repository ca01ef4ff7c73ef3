import { useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import type { ChannelKind } from "../../gql/graphql";
import { Link } from "../../router";
import { Field } from "../../ui/Field";
import { fieldErrorsOf } from "../../ui/mutationResult";
import { OneTimeSecret } from "../../ui/OneTimeSecret";
import { ErrorNote } from "../../ui/states";
import { TextField } from "../../ui/TextField";
import { OwnerField } from "../people/OwnerField";
import { ChannelChoicesDocument, CreateChannelConnectionDocument } from "./channelDocuments";
import { CREDENTIAL_LABELS, type ConnectionForm, createConnectionInput, EMPTY_CONNECTION, SWITCHES } from "./channels";

type Connected = { id: string; name: string; kind: ChannelKind; webhookPath: string; webhookSecret?: string };

/** Where the shop sends its webhooks, as a full address to paste into its settings. */
export function webhookUrl(path: string): string {
  return `${window.location.origin}${path}`;
}

/** "Connect a shop": platform, address, warehouse and credentials (sent once, never shown
 * again); the webhook address, and a secret when the platform needs one, shown once after. */
export function ConnectShop({ staff, onConnected }: { staff: boolean; onConnected: () => void }) {
  const [choices] = useQuery({ query: ChannelChoicesDocument });
  const [, create] = useMutation(CreateChannelConnectionDocument);
  const [form, setForm] = useState<ConnectionForm>(EMPTY_CONNECTION);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [connected, setConnected] = useState<Connected>();
  const set = (changes: Partial<ConnectionForm>) => setForm({ ...form, ...changes });
  const warehouses = choices.data?.warehouses.edges.map((e) => e.node) ?? [];
  const labels = CREDENTIAL_LABELS[form.kind];

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setConnected(undefined);
    const answer = await create({ input: createConnectionInput(form) });
    setBusy(false);
    const found = fieldErrorsOf(answer);
    const made = answer.data?.createChannelConnection;
    setErrors(found);
    if (Object.keys(found).length === 0 && made?.channelConnection) {
      setConnected({ ...made.channelConnection, webhookSecret: made.webhookSecret ?? undefined });
      setForm({ ...EMPTY_CONNECTION, clientId: form.clientId, kind: form.kind, warehouseId: form.warehouseId });
      onConnected();
    }
  }

  return (
    <form class="panel" aria-label="Connect a shop" onSubmit={submit}>
      <h2>Connect a shop</h2>
      <div class="line-row">
        {staff ? (
          <OwnerField
            id="channel-client"
            which="client"
            value={form.clientId}
            onChange={(clientId) => set({ clientId })}
            error={errors.clientId}
          />
        ) : null}
        <Field id="channel-kind" label="Platform" error={errors.kind}>
          {(describedBy) => (
            <select
              id="channel-kind"
              aria-describedby={describedBy}
              value={form.kind}
              onChange={(e) => set({ kind: e.currentTarget.value as ChannelKind })}
            >
              <option value="WOOCOMMERCE">WooCommerce</option>
              <option value="SHOPIFY">Shopify</option>
            </select>
          )}
        </Field>
        <TextField id="channel-name" label="Name" required value={form.name} onValue={(name) => set({ name })} error={errors.name} />
        <TextField
          id="channel-shop-url"
          label="Shop address"
          type="url"
          required
          value={form.shopUrl}
          onValue={(shopUrl) => set({ shopUrl })}
          error={errors.shopUrl}
        />
        <Field id="channel-warehouse" label="Warehouse" error={errors.warehouseId}>
          {(describedBy) => (
            <select
              id="channel-warehouse"
              aria-describedby={describedBy}
              value={form.warehouseId}
              onChange={(e) => set({ warehouseId: e.currentTarget.value })}
            >
              <option value="">Choose…</option>
              {warehouses.map((w) => (
                <option value={w.id}>
                  {w.code} · {w.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div class="line-row">
        <TextField
          id="channel-api-key"
          label={labels.apiKey}
          type="password"
          autoComplete="off"
          required
          value={form.apiKey}
          onValue={(apiKey) => set({ apiKey })}
          error={errors.apiKey}
        />
        <TextField
          id="channel-api-secret"
          label={labels.apiSecret}
          type="password"
          autoComplete="off"
          required
          value={form.apiSecret}
          onValue={(apiSecret) => set({ apiSecret })}
          error={errors.apiSecret}
        />
        {SWITCHES.map((s) => (
          <label class="check">
            <input type="checkbox" checked={form[s.name]} onChange={(e) => set({ [s.name]: e.currentTarget.checked })} />
            {s.label}
          </label>
        ))}
        <button type="submit" disabled={busy}>
          {busy ? "Connecting…" : "Connect shop"}
        </button>
      </div>
      <p class="muted">The credentials are stored sealed and never shown again.</p>
      <ErrorNote error={errors[""]} />
      {connected ? <Connected connected={connected} /> : null}
    </form>
  );
}

function Connected({ connected }: { connected: Connected }) {
  return (
    <div class="panel secret">
      <p role="status">
        Connected {connected.name}.{" "}
        <Link href={`/channels/${encodeURIComponent(connected.id)}`}>Check it and map SKUs</Link>
      </p>
      <p>
        Webhook address: <code>{webhookUrl(connected.webhookPath)}</code>
        <br />
        <span class="muted">
          {connected.kind === "SHOPIFY"
            ? "Shopify sends its fulfillment requests here, signed with the app's client secret. Check the connection next: that registers Crossdock as the shop's fulfillment service (a location)."
            : "Enter it as the delivery URL of the shop's order webhooks (created and updated)."}
        </span>
      </p>
      {connected.webhookSecret ? (
        <OneTimeSecret
          label="Webhook secret"
          value={connected.webhookSecret}
          note="Shown once: enter it as the webhooks' secret in the shop's settings; the shop signs its deliveries with it. The credentials are stored and never shown again."
        />
      ) : null}
    </div>
  );
}
