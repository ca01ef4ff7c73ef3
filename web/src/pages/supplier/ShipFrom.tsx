import { useMutation, useQuery } from "@urql/preact";
import { useEffect, useState } from "preact/hooks";
import {
  ADDRESS_PARTS,
  AddressFields,
  type AddressDraft,
  addressInput,
} from "../../ui/AddressFields";
import type { FieldErrors } from "../../ui/fieldErrors";
import { fieldErrorsOf } from "../../ui/mutationResult";
import { ErrorNote, Loading } from "../../ui/states";
import { formatAddress } from "../shared/address";
import { SetShipFromDocument, SupplierShipFromDocument } from "./supplierDocuments";

/** A stored address as the form's text (nulls as blanks). */
function draftOf(address: Record<string, unknown> | null | undefined): AddressDraft {
  const draft: AddressDraft = { country: "US" };
  for (const [part, value] of Object.entries(address ?? {})) {
    if (typeof value === "string") draft[part as keyof AddressDraft] = value;
  }
  return draft;
}

/** The address the supplier's labels ship from (`setSupplierShipFrom`), errors by field. */
export function ShipFrom() {
  const [result] = useQuery({ query: SupplierShipFromDocument });
  const [, save] = useMutation(SetShipFromDocument);
  const supplier = result.data?.viewer.supplier;
  const [draft, setDraft] = useState<AddressDraft>({});
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft(draftOf(supplier?.shipFrom)), [supplier?.id]);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setSaved(undefined);
    const answer = await save({ address: addressInput(draft) });
    setBusy(false);
    const found = fieldErrorsOf(answer);
    setErrors(found);
    const stored = answer.data?.setSupplierShipFrom.supplier?.shipFrom;
    if (Object.keys(found).length === 0 && stored) {
      setDraft(draftOf(stored));
      setSaved(`Saved: labels ship from ${formatAddress(stored)}.`);
    }
  }

  if (result.fetching && !result.data) return <Loading what="the ship-from address" />;
  // Errors no box of the form names (the request as a whole, say) show above it.
  const boxed = new Set(["address", ...ADDRESS_PARTS.map(([part]) => `address.${part}`)]);
  const elsewhere = Object.entries(errors)
    .filter(([key]) => !boxed.has(key))
    .map(([, message]) => message);
  return (
    <section aria-labelledby="ship-from-title">
      <h1 id="ship-from-title">Ship-from address</h1>
      <p class="muted">
        Labels you buy through Crossdock show this address as the sender; the carrier collects
        from it. Leave the name and company blank to send as {supplier?.name ?? "your company"}.
      </p>
      <ErrorNote error={result.error} />
      {supplier?.shipFrom ? (
        <p>
          Now: <span class="ship-from-now">{formatAddress(supplier.shipFrom)}</span>
        </p>
      ) : (
        <p class="empty">No ship-from address yet: set one before buying labels.</p>
      )}
      <form onSubmit={submit} aria-label="Ship-from address" class="order-form">
        {elsewhere.length ? (
          <p class="error" role="alert">
            {elsewhere.join(" ")}
          </p>
        ) : null}
        <AddressFields
          legend="Labels ship from"
          path="address"
          value={draft}
          onValue={setDraft}
          errors={errors}
          grid
        />
        <button type="submit" disabled={busy}>
          Save address
        </button>
      </form>
      {saved ? <p role="status">{saved}</p> : null}
    </section>
  );
}
