import { useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import { formatTime } from "../../format";
import type { SupplierStockQuery } from "../../gql/graphql";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { fieldErrorsOf } from "../../ui/mutationResult";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { ReportStockDocument, SupplierStockDocument, UploadStockCsvDocument } from "./supplierDocuments";
import { csvRowOf } from "./work";

type Item = SupplierStockQuery["supplierProducts"]["edges"][number]["node"];

/** The supplier's products and what it can ship: one at a time, or a whole CSV file. */
export function SupplierStock() {
  const { timeZone } = useSession();
  const pages = useCursorPages();
  const [result, refetch] = useQuery({
    query: SupplierStockDocument,
    variables: { first: 50, after: pages.after },
  });
  const refresh = () => refetch({ requestPolicy: "network-only" });
  const items = result.data?.supplierProducts.edges.map((e) => e.node) ?? [];

  return (
    <section aria-labelledby="stock-title">
      <h1 id="stock-title">Stock</h1>
      <p class="muted">
        Report what you can ship beyond the work already routed to you; each report replaces
        the last.
      </p>
      <ErrorNote error={result.error} />
      {result.fetching && !result.data ? (
        <Loading what="stock" />
      ) : (
        <DataTable
          label="Stock"
          rows={items}
          rowKey={(item) => item.id}
          empty="No products are linked to you yet."
          columns={[
            { header: "Your SKU", cell: (i) => i.supplierSku },
            { header: "On hand", cell: (i) => i.stock?.onHand ?? 0, className: "num" },
            { header: "Allocated", cell: (i) => i.stock?.allocated ?? 0, className: "num" },
            { header: "Available", cell: (i) => i.stock?.available ?? 0, className: "num" },
            { header: "Updated", cell: (i) => formatTime(i.stock?.updatedAt, timeZone) },
            { header: "Report", cell: (i) => <ReportForm item={i} onChange={refresh} /> },
          ]}
        />
      )}
      <Pager
        page={pages.page}
        hasNext={Boolean(result.data?.supplierProducts.pageInfo.hasNextPage)}
        onNext={() => pages.next(result.data?.supplierProducts.pageInfo.endCursor)}
        onPrevious={pages.previous}
      />
      <StockCsv onChange={refresh} />
    </section>
  );
}

function ReportForm({ item, onChange }: { item: Item; onChange: () => void }) {
  const [, report] = useMutation(ReportStockDocument);
  const [available, setAvailable] = useState(String(item.stock?.available ?? 0));
  const [error, setError] = useState<string>();
  const id = `available-${item.id}`;

  async function submit(event: Event) {
    event.preventDefault();
    const errors = fieldErrorsOf(
      await report({ supplierSku: item.supplierSku, available: Number.parseInt(available, 10) }),
    );
    setError(Object.values(errors).join(" ") || undefined);
    onChange();
  }

  return (
    <form class="inline" onSubmit={submit} aria-label={`Report ${item.supplierSku}`}>
      <input
        id={id}
        type="number"
        min="0"
        required
        aria-label={`Available of ${item.supplierSku}`}
        aria-describedby={error ? `${id}-error` : undefined}
        value={available}
        onInput={(e) => setAvailable(e.currentTarget.value)}
      />
      <button type="submit">Save</button>
      {error ? (
        <span class="field-error" id={`${id}-error`} role="alert">
          {error}
        </span>
      ) : null}
    </form>
  );
}

function StockCsv({ onChange }: { onChange: () => void }) {
  const [, upload] = useMutation(UploadStockCsvDocument);
  const [problems, setProblems] = useState<string[]>([]);
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function send(file: File) {
    setBusy(true);
    setMessage(undefined);
    const answer = await upload({ csv: await file.text() });
    setBusy(false);
    const payload = answer.data?.uploadSupplierStockCsv;
    if (answer.error) setProblems([answer.error.message]);
    else if (payload?.userErrors.length)
      setProblems(
        payload.userErrors.map((e) => {
          const row = csvRowOf(e.field);
          return row ? `Row ${row}: ${e.message}` : e.message;
        }),
      );
    else {
      setProblems([]);
      setMessage(`${file.name}: ${payload?.supplierProducts?.length ?? 0} products updated.`);
    }
    onChange();
  }

  return (
    <div class="panel">
      <h2>Upload a stock file</h2>
      <p>
        CSV with a header row naming <code>supplier_sku</code> and <code>available</code>. One
        bad row refuses the whole file, and nothing changes.
      </p>
      <label class="field">
        Stock CSV
        <input
          type="file"
          accept=".csv,text/csv"
          disabled={busy}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file) send(file);
            e.currentTarget.value = "";
          }}
        />
      </label>
      {message ? <p role="status">{message}</p> : null}
      {problems.length ? (
        <ul class="row-errors" aria-label="Problems in the file">
          {problems.map((p) => (
            <li>{p}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
