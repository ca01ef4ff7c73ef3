import { useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import { formatMoney, formatTime } from "../../format";
import { graphql } from "../../gql";
import type { CurrencyCode } from "../../gql/graphql";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { Field } from "../../ui/Field";
import { fieldErrorsOf } from "../../ui/mutationResult";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { TextField } from "../../ui/TextField";
import { InviteTargetsDocument } from "../people/peopleDocuments";
import {
  COMMON_CURRENCIES,
  type ListedCard,
  RATE_FIELDS,
  type RateCardForm,
  STORAGE_RATE_PARTS,
  type StorageRateDraft,
  emptyForm,
  formFromCard,
  formProblems,
  rateCardInput,
} from "./rateCards";

const RateCardsDocument = graphql(`
  query RateCards($first: Int!, $after: String, $clientId: ID) {
    rateCards(first: $first, after: $after, filter: { clientId: $clientId }) {
      edges {
        node {
          id
          version
          effectiveFrom
          currency
          receivingPerUnit
          receivingPerReceipt
          receivingPerAsn
          storagePerUnitDay
          storagePerCubicMetreDay
          pickPerOrder
          pickPerAdditionalUnit
          packagingPerOrder
          shippingMarkupPercent
          shippingFlatFee
          dropShipPerOrder
          dropShipPerUnit
          monthlyMinimum
          taxRatePercent
          note
          createdAt
          client {
            id
            code
          }
          storageRates {
            warehouseId
            perUnitDay
            perCubicMetreDay
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

const RateCardWarehousesDocument = graphql(`
  query RateCardWarehouses {
    warehouses(first: 100) {
      edges {
        node {
          id
          code
          name
        }
      }
    }
  }
`);

const CreateRateCardDocument = graphql(`
  mutation CreateRateCard($input: CreateRateCardInput!) {
    createRateCard(input: $input) {
      rateCard {
        id
        version
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** A price as people read it: money in the card's currency, or a percentage; "—" when not billed. */
function price(value: string | null | undefined, currency: string, percent: boolean): string {
  if (value == null) return "—";
  return percent ? `${value} %` : formatMoney({ amount: value, currency });
}

/** Rate cards: every version, per client or the provider default; a new version, or the
 * next one of a listed card. */
export function RateCards() {
  const { timeZone } = useSession();
  const pages = useCursorPages();
  const [clientId, setClientId] = useState("");
  const [targets] = useQuery({ query: InviteTargetsDocument });
  const [result, refetch] = useQuery({
    query: RateCardsDocument,
    variables: { first: 50, after: pages.after, clientId: clientId || null },
  });
  const [form, setForm] = useState<RateCardForm>(() => emptyForm(new Date()));
  const [editing, setEditing] = useState<string>();
  const cards = result.data?.rateCards.edges.map((e) => e.node) ?? [];
  const clients = targets.data?.clients.edges.map((e) => e.node) ?? [];

  function edit(card: ListedCard & { id: string; version: number; client?: { code: string } | null }) {
    setForm(formFromCard(card, new Date()));
    setEditing(`${card.client?.code ?? "Default"} v${card.version}`);
    document.getElementById("card-effective-from")?.focus(); // brings the form into view
  }

  return (
    <section aria-labelledby="rate-cards-title">
      <h1 id="rate-cards-title">Rate cards</h1>
      <p class="muted">
        Versions never change: editing a card adds its next version, which prices work from its
        start on. A client without a card of its own is billed by the provider default.
      </p>
      <div class="filters">
        <label>
          Show cards of
          <select
            value={clientId}
            onChange={(e) => {
              setClientId(e.currentTarget.value);
              pages.reset();
            }}
          >
            <option value="">All clients and the default</option>
            {clients.map((c) => (
              <option value={c.id}>
                {c.code} · {c.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={result.error} />
      {result.fetching && !result.data ? (
        <Loading what="rate cards" />
      ) : (
        <DataTable
          label="Rate cards"
          rows={cards}
          rowKey={(c) => c.id}
          empty="No rate cards: receipts, picks and shipments are not billed."
          columns={[
            { header: "Client", cell: (c) => c.client?.code ?? "Default" },
            { header: "Version", cell: (c) => c.version, className: "num" },
            { header: "From", cell: (c) => formatTime(c.effectiveFrom, timeZone) },
            { header: "Pick / order", cell: (c) => price(c.pickPerOrder, c.currency, false), className: "num" },
            {
              header: "Storage / unit-day",
              cell: (c) => price(c.storagePerUnitDay, c.currency, false),
              className: "num",
            },
            {
              header: "Shipping markup",
              cell: (c) => price(c.shippingMarkupPercent, c.currency, true),
              className: "num",
            },
            { header: "Minimum", cell: (c) => price(c.monthlyMinimum, c.currency, false), className: "num" },
            { header: "Note", cell: (c) => c.note ?? "" },
            {
              header: "",
              cell: (c) => (
                <button type="button" onClick={() => edit(c)}>
                  Edit<span class="sr-only"> {c.client?.code ?? "default"} version {c.version}</span>
                </button>
              ),
            },
          ]}
        />
      )}
      <Pager
        page={pages.page}
        hasNext={Boolean(result.data?.rateCards.pageInfo.hasNextPage)}
        onNext={() => pages.next(result.data?.rateCards.pageInfo.endCursor)}
        onPrevious={pages.previous}
      />
      <RateCardEditor
        form={form}
        onForm={setForm}
        editing={editing}
        clients={clients}
        onSaved={() => {
          setEditing(undefined);
          setForm(emptyForm(new Date(), form.currency));
          refetch({ requestPolicy: "network-only" });
        }}
      />
    </section>
  );
}

type EditorProps = {
  form: RateCardForm;
  onForm: (form: RateCardForm) => void;
  editing: string | undefined;
  clients: { id: string; code: string; name: string }[];
  onSaved: () => void;
};

function RateCardEditor({ form, onForm, editing, clients, onSaved }: EditorProps) {
  const [, create] = useMutation(CreateRateCardDocument);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState<string>();
  const set = (changes: Partial<RateCardForm>) => onForm({ ...form, ...changes });
  const currencies = COMMON_CURRENCIES.includes(form.currency)
    ? COMMON_CURRENCIES
    : [form.currency, ...COMMON_CURRENCIES];

  async function submit(event: Event) {
    event.preventDefault();
    setSaved(undefined);
    const local = formProblems(form);
    if (Object.keys(local).length) {
      setErrors(local);
      return;
    }
    const answer = await create({ input: rateCardInput(form) });
    const found = fieldErrorsOf(answer);
    setErrors(found);
    const card = answer.data?.createRateCard.rateCard;
    if (Object.keys(found).length === 0 && card) {
      setSaved(`Version ${card.version} saved.`);
      onSaved();
    }
  }

  return (
    <form id="rate-card-form" class="panel" aria-label="Rate card version" onSubmit={submit}>
      <h2>{editing ? `Next version of ${editing}` : "New rate card version"}</h2>
      <div class="line-row">
        <Field id="card-client" label="Client" error={errors.clientId}>
          {(describedBy) => (
            <select
              id="card-client"
              aria-describedby={describedBy}
              value={form.clientId}
              onChange={(e) => set({ clientId: e.currentTarget.value })}
            >
              <option value="">Provider default</option>
              {clients.map((c) => (
                <option value={c.id}>
                  {c.code} · {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <TextField
          id="card-effective-from"
          label="Takes effect"
          type="datetime-local"
          required
          value={form.effectiveFrom}
          onValue={(effectiveFrom) => set({ effectiveFrom })}
          error={errors.effectiveFrom}
        />
        <Field id="card-currency" label="Currency" error={errors.currency}>
          {(describedBy) => (
            <select
              id="card-currency"
              aria-describedby={describedBy}
              value={form.currency}
              onChange={(e) => set({ currency: e.currentTarget.value as CurrencyCode })}
            >
              {currencies.map((c) => (
                <option value={c}>{c}</option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div class="line-row">
        {RATE_FIELDS.map((field) => (
          <TextField
            id={`card-${field.name}`}
            label={field.percent ? field.label : `${field.label} (${form.currency})`}
            value={form.rates[field.name]}
            onValue={(value) => set({ rates: { ...form.rates, [field.name]: value } })}
            error={errors[field.name]}
          />
        ))}
      </div>
      <WarehouseStorageRates
        rows={form.storageRates}
        currency={form.currency}
        onRows={(storageRates) => set({ storageRates })}
        errors={errors}
      />
      <div class="line-row">
        <TextField id="card-note" label="Note" value={form.note} onValue={(note) => set({ note })} error={errors.note} />
        <button type="submit">Save version</button>
      </div>
      <ErrorNote error={errors[""]} />
      {saved ? (
        <p role="status" class="muted">
          {saved}
        </p>
      ) : null}
    </form>
  );
}

type StorageRatesProps = {
  rows: StorageRateDraft[];
  currency: CurrencyCode;
  onRows: (rows: StorageRateDraft[]) => void;
  errors: Record<string, string>;
};

/** Per-warehouse storage prices that override the card's own, a row per warehouse; each
 * refusal beside the box of its row it names (`storageRates.<row>.<part>`). */
function WarehouseStorageRates({ rows, currency, onRows, errors }: StorageRatesProps) {
  const [choices] = useQuery({ query: RateCardWarehousesDocument });
  const warehouses = choices.data?.warehouses.edges.map((e) => e.node) ?? [];
  const named = (row: StorageRateDraft, index: number) =>
    warehouses.find((w) => w.id === row.warehouseId)?.code ?? `row ${index + 1}`;
  const change = (index: number, changes: Partial<StorageRateDraft>) =>
    onRows(rows.map((row, i) => (i === index ? { ...row, ...changes } : row)));
  return (
    <fieldset class="storage-rates">
      <legend>Warehouse storage rates</legend>
      <p class="muted">A warehouse listed here is billed its own storage prices instead of the card's.</p>
      <ErrorNote error={errors.storageRates} />
      {rows.map((row, index) => (
        <div class="line-row" role="group" aria-label={`Storage rate ${index + 1}`}>
          <Field id={`card-storage-${index}-warehouse`} label="Warehouse" error={errors[`storageRates.${index}.warehouseId`]}>
            {(describedBy) => (
              <select
                id={`card-storage-${index}-warehouse`}
                aria-describedby={describedBy}
                value={row.warehouseId}
                onChange={(e) => change(index, { warehouseId: e.currentTarget.value })}
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
          {STORAGE_RATE_PARTS.map((part) => (
            <TextField
              id={`card-storage-${index}-${part.name}`}
              label={`${part.label} (${currency})`}
              value={row[part.name]}
              onValue={(value) => change(index, { [part.name]: value })}
              error={errors[`storageRates.${index}.${part.name}`]}
            />
          ))}
          <button type="button" onClick={() => onRows(rows.filter((_, i) => i !== index))}>
            Remove<span class="sr-only"> storage rate of {named(row, index)}</span>
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onRows([...rows, { warehouseId: "", perUnitDay: "", perCubicMetreDay: "" }])}>
        Add a warehouse storage rate
      </button>
    </fieldset>
  );
}
