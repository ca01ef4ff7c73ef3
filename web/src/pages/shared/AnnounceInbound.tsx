import { useClient, useMutation, useQuery } from "@urql/preact";
import { useRef, useState } from "preact/hooks";
import { graphql } from "../../gql";
import { Field } from "../../ui/Field";
import { byField, type FieldErrors } from "../../ui/fieldErrors";
import { EMPTY_LINE, type SkuLine, SkuLines } from "../../ui/SkuLines";
import { ErrorNote } from "../../ui/states";
import { TextField } from "../../ui/TextField";
import { useSettled } from "../client/NewOrder";
import { OwnerField } from "../people/OwnerField";

const AnnounceChoices = graphql(`
  query AnnounceChoices($search: String, $clientId: ID) {
    warehouses(first: 100) {
      edges {
        node {
          id
          code
          name
        }
      }
    }
    products(first: 8, filter: { search: $search, clientId: $clientId }) {
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

const AnnounceInboundDocument = graphql(`
  mutation AnnounceInbound($input: CreateInboundShipmentInput!) {
    createInboundShipment(input: $input) {
      inboundShipment {
        id
        reference
      }
      userErrors {
        field
        code
        message
      }
    }
  }
`);

/** `2026-12-24` typed in a date box as the start of that day in the person's own zone. */
export function expectedAtOf(date: string): string | null {
  if (!date) return null;
  const [year, month, day] = date.split("-").map(Number);
  return new Date(year, month - 1, day).toISOString();
}

/**
 * Goods announced on their way to a warehouse (`createInboundShipment`) by a client, or by
 * staff for the client they choose (`staff`): lines by SKU of that client, searched as the
 * person types; an unknown SKU is caught before sending, the server's refusals show beside
 * their fields.
 */
export function AnnounceInbound({
  onAnnounced,
  staff = false,
}: {
  onAnnounced: (reference: string) => void;
  staff?: boolean;
}) {
  const urql = useClient();
  const [clientId, setClientId] = useState("");
  const [search, setSearch] = useState("");
  const settled = useSettled(search.trim());
  const owner = staff ? clientId || null : null;
  const [choices] = useQuery({
    query: AnnounceChoices,
    variables: { search: settled || null, clientId: owner },
    pause: staff && !clientId,
  });
  const [, announce] = useMutation(AnnounceInboundDocument);
  // SKUs are unique per client only: what was learnt of one client's is forgotten on a change
  const known = useRef(new Map<string, { id: string; name: string }>());
  const [reference, setReference] = useState("");
  const [warehouseId, setWarehouseId] = useState("");
  const [expected, setExpected] = useState("");
  const [lines, setLines] = useState<SkuLine[]>([{ ...EMPTY_LINE }]);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const warehouses = choices.data?.warehouses.edges.map((e) => e.node) ?? [];
  const products = choices.data?.products.edges.map((e) => e.node) ?? [];
  for (const p of products) known.current.set(p.sku, { id: p.id, name: p.name });

  /** The product of a typed SKU: from the searches so far, else asked for exactly. */
  async function productOf(sku: string): Promise<string | undefined> {
    if (!known.current.has(sku)) {
      const found = await urql.query(AnnounceChoices, { search: sku, clientId: owner }).toPromise();
      for (const p of found.data?.products.edges.map((e) => e.node) ?? [])
        known.current.set(p.sku, { id: p.id, name: p.name });
    }
    return known.current.get(sku)?.id;
  }

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    const found: FieldErrors = {};
    if (staff && !clientId) {
      setErrors({ clientId: "Choose the client whose goods these are." });
      setBusy(false);
      return;
    }
    const sent = [];
    for (const [index, line] of lines.entries()) {
      const productId = await productOf(line.sku.trim());
      if (!productId) found[`lines.${index}.productId`] = `No product with SKU "${line.sku.trim()}".`;
      else sent.push({ productId, quantity: Number.parseInt(line.quantity, 10) || 0 });
    }
    if (!warehouseId) found.warehouseId = "Choose the warehouse the goods go to.";
    if (Object.keys(found).length) {
      setErrors(found);
      setBusy(false);
      return;
    }
    const result = await announce({
      input: {
        clientId: owner,
        warehouseId,
        reference: reference.trim(),
        expectedAt: expectedAtOf(expected),
        lines: sent,
      },
    });
    setBusy(false);
    const payload = result.data?.createInboundShipment;
    if (result.error) setErrors({ "": result.error.message });
    else if (payload?.userErrors.length) setErrors(byField(payload.userErrors));
    else if (payload?.inboundShipment) {
      setErrors({});
      setReference("");
      setExpected("");
      setLines([{ ...EMPTY_LINE }]);
      onAnnounced(payload.inboundShipment.reference);
    }
  }

  return (
    <form onSubmit={submit} aria-label="Announce a shipment" class="order-form">
      <h2>Announce a shipment</h2>
      {staff ? (
        <OwnerField
          id="inbound-client"
          which="client"
          value={clientId}
          onChange={(id) => {
            known.current.clear();
            setClientId(id);
          }}
          error={errors.clientId}
        />
      ) : null}
      <TextField
        id="inbound-reference"
        label="Shipment reference"
        required
        value={reference}
        onValue={setReference}
        error={errors.reference}
      />
      <Field id="inbound-warehouse" label="Warehouse" error={errors.warehouseId}>
        {(describedBy) => (
          <select
            id="inbound-warehouse"
            aria-describedby={describedBy}
            value={warehouseId}
            onChange={(e) => setWarehouseId(e.currentTarget.value)}
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
      <TextField
        id="inbound-expected"
        label="Expected on (optional)"
        type="date"
        value={expected}
        onValue={setExpected}
        error={errors.expectedAt}
      />
      <SkuLines
        idPrefix="inbound-"
        lines={lines}
        onLines={setLines}
        products={products}
        nameOf={(sku) => known.current.get(sku)?.name}
        onSearch={setSearch}
        errors={errors}
        skuField="productId"
        required
      />
      <ErrorNote error={errors[""]} />
      <button type="submit" disabled={busy}>
        {busy ? "Announcing…" : "Announce shipment"}
      </button>
    </form>
  );
}
