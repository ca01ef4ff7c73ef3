import { useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import { humanize } from "../../format";
import { graphql } from "../../gql";
import type { AdjustmentReason, StockLevelsQuery } from "../../gql/graphql";
import { DataTable } from "../../ui/DataTable";
import { Field } from "../../ui/Field";
import { byField, type FieldErrors } from "../../ui/fieldErrors";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { stockCsv } from "./exports";
import { saveFile } from "../../ui/download";

const StockLevels = graphql(`
  query StockLevels($first: Int!, $after: String, $filter: InventoryLevelFilterInput) {
    inventoryLevels(first: $first, after: $after, filter: $filter) {
      edges {
        node {
          id
          onHand
          allocated
          unsellable
          available
          incoming
          lowStock
          product {
            id
            sku
            name
            client {
              code
            }
          }
          warehouse {
            id
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

const AdjustStock = graphql(`
  mutation AdjustStock($input: AdjustInventoryInput!) {
    adjustInventory(input: $input) {
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const CountStock = graphql(`
  mutation CountStock($input: RecordCycleCountInput!) {
    recordCycleCount(input: $input) {
      userErrors {
        field
        code
        message
      }
    }
  }
`);

type Level = StockLevelsQuery["inventoryLevels"]["edges"][number]["node"];

const REASONS: AdjustmentReason[] = [
  "FOUND",
  "LOST",
  "CORRECTION",
  "DAMAGED",
  "DISPOSED",
  "QUALITY_CONTROL_IN",
  "QUALITY_CONTROL_OUT",
];

/** Stock levels per product and warehouse; staff may adjust and count. */
export function Stock({ canAdjust = false }: { canAdjust?: boolean }) {
  const [sku, setSku] = useState("");
  const [lowOnly, setLowOnly] = useState(false);
  const pages = useCursorPages();
  const [result, refetch] = useQuery({
    query: StockLevels,
    variables: {
      first: 50,
      after: pages.after,
      filter: { sku: sku || null, lowStock: lowOnly || null },
    },
  });
  const [selected, setSelected] = useState<Level | null>(null);
  const levels = result.data?.inventoryLevels.edges.map((e) => e.node) ?? [];

  return (
    <section aria-labelledby="stock-title">
      <h1 id="stock-title">{canAdjust ? "Inventory" : "Stock"}</h1>
      <form class="filters" aria-label="Filter stock" onSubmit={(e) => e.preventDefault()}>
        <label>
          SKU
          <input value={sku} onInput={(e) => setSku(e.currentTarget.value.trim())} />
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={lowOnly}
            onChange={(e) => setLowOnly(e.currentTarget.checked)}
          />
          Low stock only
        </label>
        <button
          type="button"
          onClick={() => saveFile("stock.csv", stockCsv(levels), "text/csv")}
          disabled={levels.length === 0}
        >
          Export CSV (this page)
        </button>
      </form>
      <ErrorNote error={result.error} />
      {result.fetching && !result.data ? (
        <Loading what="stock" />
      ) : (
        <DataTable
          label="Stock levels"
          rows={levels}
          rowKey={(level) => level.id}
          onOpen={canAdjust ? setSelected : undefined}
          empty="No stock yet."
          columns={[
            { header: "SKU", cell: (l) => l.product.sku },
            { header: "Product", cell: (l) => l.product.name },
            { header: "Client", cell: (l) => l.product.client.code },
            { header: "Warehouse", cell: (l) => l.warehouse.code },
            { header: "On hand", cell: (l) => l.onHand, className: "num" },
            { header: "Allocated", cell: (l) => l.allocated, className: "num" },
            { header: "Available", cell: (l) => l.available, className: "num" },
            { header: "Incoming", cell: (l) => l.incoming, className: "num" },
            { header: "Low", cell: (l) => (l.lowStock ? "Low" : ""), className: "num" },
            ...(canAdjust
              ? [
                  {
                    header: "Change",
                    cell: (l: Level) => (
                      <button type="button" onClick={() => setSelected(l)}>
                        Adjust {l.product.sku} at {l.warehouse.code}
                      </button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      <Pager
        page={pages.page}
        hasNext={Boolean(result.data?.inventoryLevels.pageInfo.hasNextPage)}
        onNext={() => pages.next(result.data?.inventoryLevels.pageInfo.endCursor)}
        onPrevious={pages.previous}
      />
      {selected ? (
        <AdjustForm
          level={selected}
          onDone={() => {
            setSelected(null);
            refetch({ requestPolicy: "network-only" });
          }}
        />
      ) : null}
    </section>
  );
}

function AdjustForm({ level, onDone }: { level: Level; onDone: () => void }) {
  const [mode, setMode] = useState<"adjust" | "count">("adjust");
  const [quantity, setQuantity] = useState("");
  const [reason, setReason] = useState<AdjustmentReason>("CORRECTION");
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [, adjust] = useMutation(AdjustStock);
  const [, count] = useMutation(CountStock);

  async function submit(event: Event) {
    event.preventDefault();
    const number = Number.parseInt(quantity, 10);
    if (!Number.isFinite(number)) {
      setErrors({ [mode === "adjust" ? "quantity" : "countedQuantity"]: "Enter a whole number." });
      return;
    }
    const ids = { productId: level.product.id, warehouseId: level.warehouse.id, note: note || null };
    const result =
      mode === "adjust"
        ? await adjust({ input: { ...ids, quantity: number, reason } })
        : await count({ input: { ...ids, countedQuantity: number } });
    const problems =
      result.data && "adjustInventory" in result.data
        ? result.data.adjustInventory.userErrors
        : result.data && "recordCycleCount" in result.data
          ? result.data.recordCycleCount.userErrors
          : [];
    if (result.error) setErrors({ "": result.error.message });
    else if (problems.length) setErrors(byField(problems));
    else onDone();
  }

  const quantityKey = mode === "adjust" ? "quantity" : "countedQuantity";
  return (
    <form class="panel" aria-label="Change stock" onSubmit={submit}>
      <h2>
        {level.product.sku} at {level.warehouse.code}: {level.onHand} on hand
      </h2>
      <fieldset>
        <legend>What</legend>
        <label class="check">
          <input type="radio" checked={mode === "adjust"} onChange={() => setMode("adjust")} />
          Adjust by
        </label>
        <label class="check">
          <input type="radio" checked={mode === "count"} onChange={() => setMode("count")} />
          Record a count
        </label>
      </fieldset>
      <Field
        id="stock-quantity"
        label={mode === "adjust" ? "Change (+/−)" : "Counted"}
        error={errors[quantityKey]}
      >
        {(describedBy) => (
          <input
            id="stock-quantity"
            inputMode="numeric"
            aria-describedby={describedBy}
            value={quantity}
            onInput={(e) => setQuantity(e.currentTarget.value)}
          />
        )}
      </Field>
      {mode === "adjust" ? (
        <Field id="stock-reason" label="Reason" error={errors.reason}>
          {(describedBy) => (
            <select
              id="stock-reason"
              aria-describedby={describedBy}
              value={reason}
              onChange={(e) => setReason(e.currentTarget.value as AdjustmentReason)}
            >
              {REASONS.map((r) => (
                <option value={r}>{humanize(r)}</option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <Field id="stock-note" label="Note" error={errors.note}>
        {(describedBy) => (
          <input
            id="stock-note"
            aria-describedby={describedBy}
            value={note}
            onInput={(e) => setNote(e.currentTarget.value)}
          />
        )}
      </Field>
      <ErrorNote error={errors[""] ?? errors.productId ?? errors.warehouseId} />
      <button type="submit">Save</button>{" "}
      <button type="button" onClick={onDone}>
        Close
      </button>
    </form>
  );
}
