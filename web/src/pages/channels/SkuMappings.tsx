import { useClient, useMutation, useQuery } from "@urql/preact";
import { useRef, useState } from "preact/hooks";
import { formatTime } from "../../format";
import type { ChannelConnectionQuery } from "../../gql/graphql";
import { Link } from "../../router";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { Field } from "../../ui/Field";
import { fieldErrorsOf, problemOf } from "../../ui/mutationResult";
import { ErrorNote } from "../../ui/states";
import { TextField } from "../../ui/TextField";
import { useSettled } from "../client/NewOrder";
import {
  ChannelProductBySkuDocument,
  ChannelProductSearchDocument,
  DeleteChannelSkuMappingDocument,
  SetChannelSkuMappingDocument,
} from "./channelDocuments";
import { waitingBySku } from "./channels";

type Mapping = ChannelConnectionQuery["channelSkuMappings"]["edges"][number]["node"];
type ChannelOrder = ChannelConnectionQuery["channelOrders"]["edges"][number]["node"];
type HeldOrder = NonNullable<ChannelOrder["order"]>;

type Props = {
  connectionId: string;
  /** Staff: the connection's client, whose products a channel SKU may name. */
  clientId?: string;
  mappings: Mapping[];
  channelOrders: ChannelOrder[];
  canChange: boolean;
  onChanged: () => void;
};

/** The connection's SKU mappings, the channel SKUs held orders wait for (each one a click from
 * its mapping), and the orders that could not be imported. */
export function SkuMappings({ connectionId, clientId, mappings, channelOrders, canChange, onChanged }: Props) {
  const { timeZone } = useSession();
  const urql = useClient();
  const [, setMapping] = useMutation(SetChannelSkuMappingDocument);
  const [, deleteMapping] = useMutation(DeleteChannelSkuMappingDocument);
  const [channelSku, setChannelSku] = useState("");
  const [productSku, setProductSku] = useState("");
  const settled = useSettled(productSku.trim());
  const [found] = useQuery({
    query: ChannelProductSearchDocument,
    variables: { search: settled || null, clientId: clientId ?? null },
    pause: !canChange,
  });
  const known = useRef(new Map<string, { id: string; name: string }>());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string>();
  const productBox = useRef<HTMLInputElement>(null);
  const products = found.data?.products.edges.map((e) => e.node) ?? [];
  for (const p of products) known.current.set(p.sku, { id: p.id, name: p.name });
  const held = channelOrders.flatMap((c) => (c.status === "HELD" && c.order ? [c.order] : []));
  // a hold's list is narrowed as SKUs are mapped; a mapping made this moment waits no more
  const mapped = new Set(mappings.map((m) => m.channelSku));
  const waiting = waitingBySku<HeldOrder>(held).filter(([sku]) => !mapped.has(sku));
  const failed = channelOrders.filter((c) => c.status === "FAILED");

  async function productOf(sku: string): Promise<string | undefined> {
    if (!known.current.has(sku)) {
      const answer = await urql.query(ChannelProductBySkuDocument, { sku, clientId: clientId ?? null }).toPromise();
      for (const p of answer.data?.products.edges.map((e) => e.node) ?? []) known.current.set(p.sku, { id: p.id, name: p.name });
    }
    return known.current.get(sku)?.id;
  }

  async function submit(event: Event) {
    event.preventDefault();
    setDone(undefined);
    const sku = productSku.trim();
    const productId = sku ? await productOf(sku) : undefined;
    if (!productId) {
      setErrors({ productId: sku ? `No product with SKU "${sku}".` : "Name the product by its SKU." });
      return;
    }
    const typed = channelSku.trim();
    const answer = await setMapping({ input: { connectionId, channelSku: typed, productId } });
    const refused = fieldErrorsOf(answer);
    setErrors(refused);
    if (Object.keys(refused).length === 0) {
      setDone(`Mapped ${typed} to ${sku}; orders that waited only for it are released.`);
      setChannelSku("");
      setProductSku("");
      onChanged();
    }
  }

  function startMapping(sku: string) {
    setChannelSku(sku);
    setErrors({});
    productBox.current?.focus();
  }

  async function remove(mapping: Mapping) {
    setDone(undefined);
    const refused = problemOf(await deleteMapping({ id: mapping.id }));
    setErrors(refused ? { "": refused } : {});
    if (!refused) onChanged();
  }

  return (
    <>
      <section class="panel" aria-labelledby="waiting-title">
        <h2 id="waiting-title">Orders waiting for a SKU mapping</h2>
        <DataTable
          label="Channel SKUs with no product"
          rows={waiting}
          rowKey={([sku]) => sku}
          empty="None: every imported order's SKUs name a product."
          columns={[
            { header: "Channel SKU", cell: ([sku]) => sku },
            {
              header: "Held orders",
              cell: ([, orders]) =>
                orders.map((o, i) => (
                  <>
                    {i > 0 ? ", " : ""}
                    <Link href={`/orders/${encodeURIComponent(o.id)}`}>{o.externalReference}</Link>
                  </>
                )),
            },
            ...(canChange
              ? [
                  {
                    header: "",
                    cell: ([sku]: [string, HeldOrder[]]) => (
                      <button type="button" onClick={() => startMapping(sku)}>
                        Map<span class="sr-only"> {sku}</span>
                      </button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </section>
      <section class="panel" aria-labelledby="mappings-title">
        <h2 id="mappings-title">SKU mappings</h2>
        <p class="muted">
          A channel SKU names the product of the same SKU unless mapped here; a line without a SKU is
          named <code>variant:&lt;id&gt;</code>.
        </p>
        {canChange ? (
          <form aria-label="Map a channel SKU" onSubmit={submit}>
            <div class="line-row">
              <TextField
                id="map-channel-sku"
                label="Channel SKU"
                required
                value={channelSku}
                onValue={setChannelSku}
                error={errors.channelSku}
              />
              <Field id="map-product-sku" label="Product SKU" error={errors.productId}>
                {(describedBy) => (
                  <input
                    id="map-product-sku"
                    ref={productBox}
                    list="map-product-options"
                    required
                    aria-describedby={describedBy}
                    value={productSku}
                    onInput={(e) => setProductSku(e.currentTarget.value)}
                  />
                )}
              </Field>
              <datalist id="map-product-options">
                {products.map((p) => (
                  <option value={p.sku}>{p.name}</option>
                ))}
              </datalist>
              <span class="muted">{known.current.get(productSku.trim())?.name ?? ""}</span>
              <button type="submit">Map SKU</button>
            </div>
            <ErrorNote error={errors[""] ?? errors.connectionId} />
            {done ? <p role="status">{done}</p> : null}
          </form>
        ) : null}
        <DataTable
          label="SKU mappings"
          rows={mappings}
          rowKey={(m) => m.id}
          empty="No mappings: every channel SKU names the product of the same SKU."
          columns={[
            { header: "Channel SKU", cell: (m) => m.channelSku },
            { header: "Product", cell: (m) => (m.product ? `${m.product.sku} · ${m.product.name}` : "—") },
            ...(canChange
              ? [
                  {
                    header: "",
                    cell: (m: Mapping) => (
                      <button type="button" onClick={() => remove(m)}>
                        Remove<span class="sr-only"> mapping of {m.channelSku}</span>
                      </button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </section>
      {failed.length ? (
        <section class="panel" aria-labelledby="failed-title">
          <h2 id="failed-title">Orders that could not be imported</h2>
          <DataTable
            label="Orders that could not be imported"
            rows={failed}
            rowKey={(f) => f.id}
            columns={[
              { header: "Shop's order", cell: (f) => f.channelOrderId },
              { header: "Why", cell: (f) => f.error ?? "—" },
              { header: "First seen", cell: (f) => formatTime(f.createdAt, timeZone) },
            ]}
          />
        </section>
      ) : null}
    </>
  );
}
