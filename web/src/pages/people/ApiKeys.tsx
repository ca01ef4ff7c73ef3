import { useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import { formatTime, humanize } from "../../format";
import type { KeyKind } from "../../gql/graphql";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { Field } from "../../ui/Field";
import { TextField } from "../../ui/TextField";
import { fieldErrorsOf, problemOf } from "../../ui/mutationResult";
import { OneTimeSecret } from "../../ui/OneTimeSecret";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { OwnerField } from "./OwnerField";
import {
  ApiKeysDocument,
  CreateKeyDocument,
  RevokeKeyDocument,
} from "./peopleDocuments";

const STAFF_KINDS: KeyKind[] = ["PROVIDER", "CLIENT", "SUPPLIER"];

/** API keys for integrations: create one (its secret is shown once), revoke one. */
export function ApiKeys() {
  const { timeZone } = useSession();
  const pages = useCursorPages();
  const [result, refetch] = useQuery({
    query: ApiKeysDocument,
    variables: { first: 50, after: pages.after },
  });
  const [, revoke] = useMutation(RevokeKeyDocument);
  const [problem, setProblem] = useState<string>();
  const refresh = () => refetch({ requestPolicy: "network-only" });
  const keys = result.data?.apiKeys.edges.map((e) => e.node) ?? [];

  async function end(id: string, name: string) {
    if (!window.confirm(`Revoke the key ${name}? Integrations using it stop at once.`)) return;
    setProblem(problemOf(await revoke({ id })));
    refresh();
  }

  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <CreateKeyForm onCreated={refresh} />
      <ErrorNote error={problem ?? result.error} />
      {result.fetching && !result.data ? (
        <Loading what="keys" />
      ) : (
        <DataTable
          label="API keys"
          rows={keys}
          rowKey={(k) => k.id}
          empty="No keys yet."
          columns={[
            { header: "Name", cell: (k) => k.name },
            { header: "Prefix", cell: (k) => <code>{k.prefix}</code> },
            { header: "Kind", cell: (k) => humanize(k.kind) },
            { header: "For", cell: (k) => k.client?.code ?? k.supplier?.code ?? "—" },
            { header: "Scopes", cell: (k) => k.scopes.join(", ").toLowerCase() },
            { header: "Last used", cell: (k) => formatTime(k.lastUsedAt, timeZone) },
            {
              header: "Status",
              cell: (k) =>
                k.revokedAt ? (
                  `Revoked ${formatTime(k.revokedAt, timeZone)}`
                ) : (
                  <button type="button" class="danger" onClick={() => end(k.id, k.name)}>
                    Revoke<span class="sr-only"> {k.name}</span>
                  </button>
                ),
            },
          ]}
        />
      )}
      <Pager
        page={pages.page}
        hasNext={Boolean(result.data?.apiKeys.pageInfo.hasNextPage)}
        onNext={() => pages.next(result.data?.apiKeys.pageInfo.endCursor)}
        onPrevious={pages.previous}
      />
    </section>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: () => void }) {
  const { viewer } = useSession();
  const staff = viewer.kind === "PROVIDER";
  const [, create] = useMutation(CreateKeyDocument);
  const [name, setName] = useState("");
  const [kind, setKind] = useState<KeyKind>(staff ? "PROVIDER" : "CLIENT");
  const [owner, setOwner] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<string>();

  async function submit(event: Event) {
    event.preventDefault();
    setSecret(undefined);
    const answer = await create({
      input: {
        name: name.trim(),
        kind,
        clientId: staff && kind === "CLIENT" ? owner || null : null,
        supplierId: staff && kind === "SUPPLIER" ? owner || null : null,
      },
    });
    const found = fieldErrorsOf(answer);
    setErrors(found);
    const plaintext = answer.data?.createApiKey.plaintextKey;
    if (Object.keys(found).length === 0 && plaintext) {
      setSecret(plaintext);
      setName("");
      onCreated();
    }
  }

  return (
    <form class="panel" aria-label="Create a key" onSubmit={submit}>
      <h2>Create a key</h2>
      <div class="line-row">
        <TextField
          id="key-name"
          label="Name"
          required
          value={name}
          onValue={setName}
          error={errors.name}
        />
        {staff ? (
          <Field id="key-kind" label="For" error={errors.kind}>
            {(describedBy) => (
              <select
                id="key-kind"
                aria-describedby={describedBy}
                value={kind}
                onChange={(e) => {
                  setKind(e.currentTarget.value as KeyKind);
                  setOwner("");
                }}
              >
                {STAFF_KINDS.map((k) => (
                  <option value={k}>{humanize(k)}</option>
                ))}
              </select>
            )}
          </Field>
        ) : null}
        {staff && kind !== "PROVIDER" ? (
          <OwnerField
            id="key-owner"
            which={kind === "CLIENT" ? "client" : "supplier"}
            value={owner}
            onChange={setOwner}
            error={errors.clientId ?? errors.supplierId}
          />
        ) : null}
        <button type="submit">Create key</button>
      </div>
      <ErrorNote error={errors[""]} />
      {secret ? (
        <OneTimeSecret
          label="The new key"
          value={secret}
          note="Shown once: only its hash is kept. Send it as Authorization: Bearer <key>."
        />
      ) : null}
    </form>
  );
}
