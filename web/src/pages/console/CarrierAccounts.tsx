import { useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import { formatTime, humanize } from "../../format";
import { graphql } from "../../gql";
import type { CarrierKind } from "../../gql/graphql";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { Field } from "../../ui/Field";
import { fieldErrorsOf, problemOf } from "../../ui/mutationResult";
import { OneTimeSecret } from "../../ui/OneTimeSecret";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { TextField } from "../../ui/TextField";
import { OwnerField } from "../people/OwnerField";
import { InviteTargetsDocument } from "../people/peopleDocuments";
import {
  type AccountEdit,
  type CarrierAccountForm,
  EMPTY_ACCOUNT,
  type EditableAccount,
  createAccountInput,
  needsCredentials,
  updateAccountInput,
} from "./carrierAccounts";

const CarrierAccountsDocument = graphql(`
  query CarrierAccounts($first: Int!, $after: String, $clientId: ID) {
    carrierAccounts(first: $first, after: $after, filter: { clientId: $clientId }) {
      edges {
        node {
          id
          kind
          name
          enabled
          baseUrl
          hasApiKey
          webhookPath
          createdAt
          client {
            code
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

const CreateCarrierAccountDocument = graphql(`
  mutation CreateCarrierAccount($input: CreateCarrierAccountInput!) {
    createCarrierAccount(input: $input) {
      carrierAccount {
        id
        name
      }
      webhookSecret
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const SetCarrierAccountEnabledDocument = graphql(`
  mutation SetCarrierAccountEnabled($id: ID!, $enabled: Boolean!) {
    updateCarrierAccount(input: { id: $id, enabled: $enabled }) {
      carrierAccount {
        id
        enabled
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

const UpdateCarrierAccountDocument = graphql(`
  mutation UpdateCarrierAccount($input: UpdateCarrierAccountInput!) {
    updateCarrierAccount(input: $input) {
      carrierAccount {
        id
        name
        baseUrl
        hasApiKey
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Clients' carrier accounts: list (all, or one client's), create, change (a new API key
 * replaces the stored one, which is never shown), enable or disable. */
export function CarrierAccounts() {
  const { timeZone } = useSession();
  const pages = useCursorPages();
  const [clientId, setClientId] = useState("");
  const [targets] = useQuery({ query: InviteTargetsDocument });
  const [result, refetch] = useQuery({
    query: CarrierAccountsDocument,
    variables: { first: 50, after: pages.after, clientId: clientId || null },
  });
  const [, setEnabled] = useMutation(SetCarrierAccountEnabledDocument);
  const [problem, setProblem] = useState<string>();
  const [changing, setChanging] = useState<EditableAccount & { label: string }>();
  const refresh = () => refetch({ requestPolicy: "network-only" });
  const accounts = result.data?.carrierAccounts.edges.map((e) => e.node) ?? [];
  const clients = targets.data?.clients.edges.map((e) => e.node) ?? [];

  async function toggle(id: string, enabled: boolean) {
    setProblem(problemOf(await setEnabled({ id, enabled })));
    refresh();
  }

  return (
    <section aria-labelledby="carriers-title">
      <h1 id="carriers-title">Carrier accounts</h1>
      <NewCarrierAccount onCreated={refresh} />
      <div class="filters">
        <label>
          Show accounts of
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
      <ErrorNote error={problem ?? result.error} />
      {result.fetching && !result.data ? (
        <Loading what="carrier accounts" />
      ) : (
        <DataTable
          label="Carrier accounts"
          rows={accounts}
          rowKey={(a) => a.id}
          empty="No carrier accounts: packed orders of these clients wait to be shipped by hand."
          columns={[
            { header: "Client", cell: (a) => a.client?.code ?? "—" },
            { header: "Name", cell: (a) => a.name },
            { header: "Kind", cell: (a) => humanize(a.kind) },
            { header: "Base URL", cell: (a) => a.baseUrl ?? "—" },
            { header: "API key", cell: (a) => (a.hasApiKey ? "Stored" : "—") },
            { header: "Tracking webhook", cell: (a) => a.webhookPath ?? "—" },
            { header: "Since", cell: (a) => formatTime(a.createdAt, timeZone) },
            { header: "Status", cell: (a) => (a.enabled ? "Enabled" : "Disabled") },
            {
              header: "",
              cell: (a) => (
                <button type="button" onClick={() => setChanging({ ...a, label: `${a.client?.code} ${a.name}` })}>
                  Change
                  <span class="sr-only">
                    {" "}
                    {a.client?.code} {a.name}
                  </span>
                </button>
              ),
            },
            {
              header: "",
              cell: (a) => (
                <button type="button" onClick={() => toggle(a.id, !a.enabled)}>
                  {a.enabled ? "Disable" : "Enable"}
                  <span class="sr-only">
                    {" "}
                    {a.client?.code} {a.name}
                  </span>
                </button>
              ),
            },
          ]}
        />
      )}
      {changing ? (
        <ChangeCarrierAccount
          key={changing.id}
          account={changing}
          onDone={() => {
            setChanging(undefined);
            refresh();
          }}
          onCancel={() => setChanging(undefined)}
        />
      ) : null}
      <Pager
        page={pages.page}
        hasNext={Boolean(result.data?.carrierAccounts.pageInfo.hasNextPage)}
        onNext={() => pages.next(result.data?.carrierAccounts.pageInfo.endCursor)}
        onPrevious={pages.previous}
      />
    </section>
  );
}

function NewCarrierAccount({ onCreated }: { onCreated: () => void }) {
  const [, create] = useMutation(CreateCarrierAccountDocument);
  const [form, setForm] = useState<CarrierAccountForm>(EMPTY_ACCOUNT);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<string>();
  const set = (changes: Partial<CarrierAccountForm>) => setForm({ ...form, ...changes });

  async function submit(event: Event) {
    event.preventDefault();
    setSecret(undefined);
    const answer = await create({ input: createAccountInput(form) });
    const found = fieldErrorsOf(answer);
    setErrors(found);
    if (Object.keys(found).length === 0 && answer.data?.createCarrierAccount.carrierAccount) {
      setSecret(answer.data.createCarrierAccount.webhookSecret ?? undefined);
      setForm({ ...EMPTY_ACCOUNT, clientId: form.clientId, kind: form.kind });
      onCreated();
    }
  }

  return (
    <form class="panel" aria-label="New carrier account" onSubmit={submit}>
      <h2>New carrier account</h2>
      <div class="line-row">
        <OwnerField
          id="carrier-client"
          which="client"
          value={form.clientId}
          onChange={(clientId) => set({ clientId })}
          error={errors.clientId}
        />
        <Field id="carrier-kind" label="Kind" error={errors.kind}>
          {(describedBy) => (
            <select
              id="carrier-kind"
              aria-describedby={describedBy}
              value={form.kind}
              onChange={(e) => set({ kind: e.currentTarget.value as CarrierKind })}
            >
              <option value="RATE_TABLE">Rate table (built in)</option>
              <option value="AGGREGATOR">Aggregator (outside service)</option>
            </select>
          )}
        </Field>
        <TextField
          id="carrier-name"
          label="Name"
          required
          value={form.name}
          onValue={(name) => set({ name })}
          error={errors.name}
        />
        {needsCredentials(form.kind) ? (
          <>
            <TextField
              id="carrier-base-url"
              label="Base URL"
              type="url"
              value={form.baseUrl}
              onValue={(baseUrl) => set({ baseUrl })}
              error={errors.baseUrl}
            />
            <TextField
              id="carrier-api-key"
              label="API key"
              type="password"
              autoComplete="off"
              value={form.apiKey}
              onValue={(apiKey) => set({ apiKey })}
              error={errors.apiKey}
            />
          </>
        ) : null}
        <label class="check">
          <input
            type="checkbox"
            checked={form.enabled}
            onChange={(e) => set({ enabled: e.currentTarget.checked })}
          />
          Enabled
        </label>
        <button type="submit">Add account</button>
      </div>
      <ErrorNote error={errors[""]} />
      {secret ? (
        <OneTimeSecret
          label="Tracking webhook secret"
          value={secret}
          note="Shown once: give it to the carrier service, which signs its tracking pushes with it. The API key is stored and never shown again."
        />
      ) : null}
    </form>
  );
}

type ChangeProps = { account: EditableAccount & { label: string }; onDone: () => void; onCancel: () => void };

function ChangeCarrierAccount({ account, onDone, onCancel }: ChangeProps) {
  const [, update] = useMutation(UpdateCarrierAccountDocument);
  const [edit, setEdit] = useState<AccountEdit>({ name: account.name, baseUrl: account.baseUrl ?? "", apiKey: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (changes: Partial<AccountEdit>) => setEdit({ ...edit, ...changes });

  async function submit(event: Event) {
    event.preventDefault();
    const found = fieldErrorsOf(await update({ input: updateAccountInput(account, edit) }));
    setErrors(found);
    if (Object.keys(found).length === 0) onDone();
  }

  return (
    <form class="panel" aria-label="Change carrier account" onSubmit={submit}>
      <h2>Change {account.label}</h2>
      <div class="line-row">
        <TextField id="change-carrier-name" label="Name" required value={edit.name} onValue={(name) => set({ name })} error={errors.name} />
        {needsCredentials(account.kind) ? (
          <>
            <TextField
              id="change-carrier-base-url"
              label="Base URL"
              type="url"
              value={edit.baseUrl}
              onValue={(baseUrl) => set({ baseUrl })}
              error={errors.baseUrl}
            />
            <TextField
              id="change-carrier-api-key"
              label="New API key (empty: keep the stored one)"
              type="password"
              autoComplete="off"
              value={edit.apiKey}
              onValue={(apiKey) => set({ apiKey })}
              error={errors.apiKey}
            />
          </>
        ) : null}
        <button type="submit">Save changes</button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <ErrorNote error={errors[""]} />
    </form>
  );
}
