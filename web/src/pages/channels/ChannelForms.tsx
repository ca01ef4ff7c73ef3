import { useMutation } from "@urql/preact";
import { useState } from "preact/hooks";
import type { ChannelKind } from "../../gql/graphql";
import { fieldErrorsOf } from "../../ui/mutationResult";
import { ErrorNote } from "../../ui/states";
import { TextField } from "../../ui/TextField";
import { ResyncChannelDocument, UpdateChannelConnectionDocument } from "./channelDocuments";
import { CREDENTIAL_LABELS, credentialsInput, resyncInput } from "./channels";

/** Import again from a time (the cursor moves back) and/or push all stock again. */
export function Resync({ id, onDone }: { id: string; onDone: () => void }) {
  const [, resync] = useMutation(ResyncChannelDocument);
  const [since, setSince] = useState("");
  const [stock, setStock] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string>();

  async function submit(event: Event) {
    event.preventDefault();
    setDone(undefined);
    const input = resyncInput(id, since, stock);
    if (!input) {
      setErrors({ ordersSince: "Give a time to import from, or ask for a full stock push." });
      return;
    }
    const found = fieldErrorsOf(await resync({ input }));
    setErrors(found);
    if (Object.keys(found).length === 0) {
      const parts = [
        input.ordersSince ? "orders changed since then are imported again" : "",
        input.fullStockPush ? "all stock is pushed again" : "",
      ].filter(Boolean);
      const said = parts.join("; ");
      setDone(`${said.charAt(0).toUpperCase()}${said.slice(1)}.`);
      setSince("");
      setStock(false);
      onDone();
    }
  }

  return (
    <form class="panel" aria-label="Resync" onSubmit={submit}>
      <h2>Resync</h2>
      <div class="line-row">
        <TextField
          id="resync-since"
          label="Import orders changed since"
          type="datetime-local"
          value={since}
          onValue={setSince}
          error={errors.ordersSince}
        />
        <label class="check">
          <input type="checkbox" checked={stock} onChange={(e) => setStock(e.currentTarget.checked)} />
          Push all stock again
        </label>
        <button type="submit">Resync</button>
      </div>
      <ErrorNote error={errors[""] ?? errors.id} />
      {done ? <p role="status">{done}</p> : null}
    </form>
  );
}

/** New credentials for the shop: typed fresh, sent once, never shown (the stored ones neither). */
export function ChangeCredentials({ id, kind, onDone }: { id: string; kind: ChannelKind; onDone: () => void }) {
  const [, update] = useMutation(UpdateChannelConnectionDocument);
  const [apiKey, setApiKey] = useState("");
  const [apiSecret, setApiSecret] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);
  const labels = CREDENTIAL_LABELS[kind];

  async function submit(event: Event) {
    event.preventDefault();
    setDone(false);
    const found = fieldErrorsOf(await update({ input: credentialsInput(id, apiKey, apiSecret) }));
    setErrors(found);
    if (Object.keys(found).length === 0) {
      setApiKey("");
      setApiSecret("");
      setDone(true);
      onDone();
    }
  }

  return (
    <form class="panel" aria-label="New credentials" onSubmit={submit}>
      <h2>New credentials</h2>
      <p class="muted">The stored credentials are never shown; new ones replace them.</p>
      <div class="line-row">
        <TextField
          id="credentials-api-key"
          label={`New ${lowerFirst(labels.apiKey)}`}
          type="password"
          autoComplete="off"
          required
          value={apiKey}
          onValue={setApiKey}
          error={errors.apiKey}
        />
        <TextField
          id="credentials-api-secret"
          label={`New ${lowerFirst(labels.apiSecret)}`}
          type="password"
          autoComplete="off"
          required
          value={apiSecret}
          onValue={setApiSecret}
          error={errors.apiSecret}
        />
        <button type="submit">Replace credentials</button>
      </div>
      <ErrorNote error={errors[""] ?? errors.id} />
      {done ? <p role="status">Credentials replaced.</p> : null}
    </form>
  );
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
