import { useMutation, useQuery } from "@urql/preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { humanize } from "../../format";
import { graphql } from "../../gql";
import type { ServiceLevel } from "../../gql/graphql";
import { navigate } from "../../router";
import { AddressFields, type AddressDraft, addressInput } from "../../ui/AddressFields";
import { Field } from "../../ui/Field";
import { byField, type FieldErrors } from "../../ui/fieldErrors";
import { EMPTY_LINE, type SkuLine, SkuLines } from "../../ui/SkuLines";
import { ErrorNote } from "../../ui/states";

const CatalogForOrder = graphql(`
  query CatalogForOrder($search: String) {
    products(first: 8, filter: { search: $search }) {
      edges {
        node {
          id
          sku
          name
        }
      }
    }
  }
`);

const CreateOrderFromForm = graphql(`
  mutation CreateOrderFromForm($input: CreateOrderInput!) {
    createOrder(input: $input) {
      created
      order {
        id
        status
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const SHIP_TO_PARTS = ["name", "line1", "line2", "city", "region", "postalCode", "country"] as const;
const SERVICE_LEVELS: ServiceLevel[] = ["STANDARD", "EXPRESS", "OVERNIGHT"];

const SEARCH_DELAY_MS = 200;

/** `text` once it has stopped changing for `delay` ms (a search as the person types). */
export function useSettled(text: string, delay = SEARCH_DELAY_MS): string {
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(text), delay);
    return () => window.clearTimeout(timer);
  }, [text, delay]);
  return settled;
}

/** A new order in a form: SKU search per line, errors shown beside their fields. */
export function NewOrder() {
  const [search, setSearch] = useState("");
  const settled = useSettled(search.trim());
  const [catalog] = useQuery({ query: CatalogForOrder, variables: { search: settled || null } });
  const names = useRef(new Map<string, string>());
  const [, create] = useMutation(CreateOrderFromForm);
  const [reference, setReference] = useState("");
  const [service, setService] = useState<ServiceLevel>("STANDARD");
  const [address, setAddress] = useState<AddressDraft>({ country: "US" });
  const [lines, setLines] = useState<SkuLine[]>([{ ...EMPTY_LINE }]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const products = catalog.data?.products.edges.map((e) => e.node) ?? [];
  for (const p of products) names.current.set(p.sku, p.name);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    const shipTo = addressInput(address);
    const result = await create({
      input: {
        externalReference: reference.trim(),
        serviceLevel: service,
        shipTo,
        lines: lines.map((line) => ({
          sku: line.sku.trim(),
          quantity: Number.parseInt(line.quantity, 10) || 0,
        })),
      },
    });
    setBusy(false);
    const payload = result.data?.createOrder;
    if (result.error) setErrors({ "": result.error.message });
    else if (payload?.userErrors.length) setErrors(byField(payload.userErrors));
    else if (payload?.order) navigate(`/orders/${encodeURIComponent(payload.order.id)}`);
  }

  return (
    <section aria-labelledby="new-order-title">
      <h1 id="new-order-title">New order</h1>
      <form onSubmit={submit} aria-label="New order" class="order-form">
        <Field id="reference" label="Order reference" error={errors.externalReference}>
          {(describedBy) => (
            <input
              id="reference"
              required
              aria-describedby={describedBy}
              value={reference}
              onInput={(e) => setReference(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field id="service" label="Service level" error={errors.serviceLevel}>
          {(describedBy) => (
            <select
              id="service"
              aria-describedby={describedBy}
              value={service}
              onChange={(e) => setService(e.currentTarget.value as ServiceLevel)}
            >
              {SERVICE_LEVELS.map((level) => (
                <option value={level}>{humanize(level)}</option>
              ))}
            </select>
          )}
        </Field>
        <AddressFields
          legend="Ship to"
          path="shipTo"
          value={address}
          onValue={setAddress}
          errors={errors}
          parts={SHIP_TO_PARTS}
        />
        <SkuLines
          idPrefix=""
          lines={lines}
          onLines={setLines}
          products={products}
          nameOf={(sku) => names.current.get(sku)}
          onSearch={setSearch}
          errors={errors}
          skuField="sku"
        />
        <ErrorNote error={errors[""]} />
        <button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create order"}
        </button>
      </form>
    </section>
  );
}
