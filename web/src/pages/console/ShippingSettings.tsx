import { useMutation, useQuery } from "@urql/preact";
import { useEffect, useState } from "preact/hooks";
import { graphql } from "../../gql";
import type { CurrencyCode, LabelFormat, RatingRule } from "../../gql/graphql";
import { useSession } from "../../session";
import { ADDRESS_PARTS, AddressFields } from "../../ui/AddressFields";
import { Field } from "../../ui/Field";
import type { FieldErrors } from "../../ui/fieldErrors";
import { fieldErrorsOf } from "../../ui/mutationResult";
import { ErrorNote, Loading } from "../../ui/states";
import { OwnerField } from "../people/OwnerField";
import { formatAddress } from "../shared/address";
import { COMMON_CURRENCIES } from "./rateCards";
import { LABEL_FORMATS, RATING_RULES, type SettingsForm, formOf, settingsInput } from "./shippingSettings";

graphql(`
  fragment ShippingSettingsFields on ShippingSettings {
    rule
    automaticDispatch
    currency
    labelFormat
    shipFrom {
      name
      company
      line1
      line2
      city
      region
      postalCode
      country
      phone
      email
    }
    client {
      code
      name
    }
  }
`);

const ShippingSettingsDocument = graphql(`
  query ShippingSettings($clientId: ID!) {
    shippingSettings(clientId: $clientId) {
      ...ShippingSettingsFields
    }
  }
`);

const SetShippingSettingsDocument = graphql(`
  mutation SetShippingSettings($input: SetShippingSettingsInput!) {
    setShippingSettings(input: $input) {
      shippingSettings {
        ...ShippingSettingsFields
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** Fields the form shows errors beside; any other refusal shows above the form. */
const BESIDE_A_FIELD = new Set([
  "rule",
  "automaticDispatch",
  "currency",
  "labelFormat",
  "shipFrom",
  ...ADDRESS_PARTS.map(([part]) => `shipFrom.${part}`),
]);

/** A client's shipping settings: how a rate is chosen, automatic dispatch, the currency rates
 * are compared in, the label format and the ship-from address; changed by staff who may
 * write orders (`setShippingSettings`), shown to the others. */
export function ShippingSettings() {
  const { viewer } = useSession();
  const [clientId, setClientId] = useState("");
  return (
    <section aria-labelledby="shipping-title">
      <h1 id="shipping-title">Shipping settings</h1>
      <p class="muted">
        How each client's parcels are rated and labelled. The client reads them; only the provider
        changes them.
      </p>
      <div class="filters">
        <OwnerField id="shipping-client" which="client" value={clientId} onChange={setClientId} />
      </div>
      {clientId ? (
        <ClientShippingSettings key={clientId} clientId={clientId} canChange={viewer.scopes.includes("ORDERS_WRITE")} />
      ) : (
        <p class="empty">Choose a client to see its shipping settings.</p>
      )}
    </section>
  );
}

function ClientShippingSettings({ clientId, canChange }: { clientId: string; canChange: boolean }) {
  const [result] = useQuery({ query: ShippingSettingsDocument, variables: { clientId } });
  const [, save] = useMutation(SetShippingSettingsDocument);
  const shown = result.data?.shippingSettings;
  const [form, setForm] = useState<SettingsForm>();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (shown) setForm(formOf(shown));
  }, [shown]);

  if (result.fetching && !result.data) return <Loading what="the shipping settings" />;
  if (result.error) return <ErrorNote error={result.error} />;
  if (!shown) return <p class="empty">No such client.</p>;
  if (!form) return null;
  const set = (changes: Partial<SettingsForm>) => setForm({ ...form, ...changes });
  const currencies = COMMON_CURRENCIES.includes(form.currency) ? COMMON_CURRENCIES : [form.currency, ...COMMON_CURRENCIES];
  const elsewhere = Object.entries(errors)
    .filter(([key]) => !BESIDE_A_FIELD.has(key))
    .map(([, message]) => message);

  async function submit(event: Event) {
    event.preventDefault();
    if (!form) return;
    setBusy(true);
    setSaved(undefined);
    const answer = await save({ input: settingsInput(clientId, form) });
    setBusy(false);
    const found = fieldErrorsOf(answer);
    setErrors(found);
    const stored = answer.data?.setShippingSettings.shippingSettings;
    if (Object.keys(found).length === 0 && stored) {
      setForm(formOf(stored));
      setSaved(`Saved: ${stored.client?.code ?? "the client"}'s shipping settings.`);
    }
  }

  return (
    <form class="panel order-form" aria-label="Shipping settings" onSubmit={submit}>
      <h2>
        {shown.client?.code} · {shown.client?.name}
      </h2>
      {canChange ? null : <p class="muted">Shown only: changing them needs a role that may write orders.</p>}
      {elsewhere.length ? (
        <p class="error" role="alert">
          {elsewhere.join(" ")}
        </p>
      ) : null}
      <fieldset disabled={!canChange || busy}>
        <legend class="sr-only">Settings</legend>
        <div class="line-row">
          <Field id="shipping-rule" label="Rating rule" error={errors.rule}>
            {(describedBy) => (
              <select
                id="shipping-rule"
                aria-describedby={describedBy}
                value={form.rule}
                onChange={(e) => set({ rule: e.currentTarget.value as RatingRule })}
              >
                {RATING_RULES.map((r) => (
                  <option value={r.value}>{r.label}</option>
                ))}
              </select>
            )}
          </Field>
          <Field id="shipping-currency" label="Compare rates in" error={errors.currency}>
            {(describedBy) => (
              <select
                id="shipping-currency"
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
          <Field id="shipping-label-format" label="Label format" error={errors.labelFormat}>
            {(describedBy) => (
              <select
                id="shipping-label-format"
                aria-describedby={describedBy}
                value={form.labelFormat}
                onChange={(e) => set({ labelFormat: e.currentTarget.value as LabelFormat })}
              >
                {LABEL_FORMATS.map((f) => (
                  <option value={f.value}>{f.label}</option>
                ))}
              </select>
            )}
          </Field>
          <Field id="shipping-automatic-dispatch" label="Automatic dispatch" error={errors.automaticDispatch}>
            {(describedBy) => (
              <input
                id="shipping-automatic-dispatch"
                type="checkbox"
                aria-describedby={describedBy}
                checked={form.automaticDispatch}
                onChange={(e) => set({ automaticDispatch: e.currentTarget.checked })}
              />
            )}
          </Field>
        </div>
        <p class="muted">Automatic dispatch picks, packs and ships an order as soon as it is allocated.</p>
        <label class="check">
          <input
            type="checkbox"
            checked={form.fromWarehouse}
            onChange={(e) => set({ fromWarehouse: e.currentTarget.checked })}
          />
          Ship from each warehouse's address
        </label>
        {form.fromWarehouse ? (
          errors.shipFrom ? (
            <ErrorNote error={errors.shipFrom} />
          ) : null
        ) : (
          <AddressFields
            legend="Labels ship from"
            path="shipFrom"
            value={form.shipFrom}
            onValue={(shipFrom) => set({ shipFrom })}
            errors={errors}
            grid
          />
        )}
        {canChange ? <button type="submit">Save settings</button> : null}
      </fieldset>
      {shown.shipFrom && form.fromWarehouse ? (
        <p class="muted">Saving drops the ship-from address {formatAddress(shown.shipFrom)}.</p>
      ) : null}
      {saved ? <p role="status">{saved}</p> : null}
    </form>
  );
}
