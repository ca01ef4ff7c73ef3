import { useClient } from "@urql/preact";
import { useState } from "preact/hooks";
import { graphql } from "../../gql";
import { Link } from "../../router";
import { ErrorNote } from "../../ui/states";
import { chunks, COLUMNS, type ImportedOrder, parseOrderCsv, type RowProblem, rowOfError } from "./orderImport";

const CheckImport = graphql(`
  query CheckImport($orders: [CreateOrderInput!]!) {
    checkOrders(orders: $orders) {
      index
      outcome
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const CreateImported = graphql(`
  mutation CreateImported($input: CreateOrderInput!) {
    createOrder(input: $input) {
      created
      userErrors {
        field
        code
        message
      }
    }
  }
`);

const CHECK_CHUNK = 100;
const PARALLEL_CREATES = 4;

type Checked = {
  fresh: ImportedOrder[];
  existing: number;
  problems: RowProblem[];
};

type Stage =
  | { kind: "idle" }
  | { kind: "checking"; done: number; total: number }
  | { kind: "checked"; file: string; result: Checked }
  | { kind: "creating"; done: number; total: number }
  | { kind: "finished"; created: number; existing: number; failed: RowProblem[] };

/** CSV import: parse in the browser, check every row through the API, then create. */
export function ImportOrders() {
  const client = useClient();
  const [stage, setStage] = useState<Stage>({ kind: "idle" });
  const [error, setError] = useState<string>();

  async function check(file: File) {
    setError(undefined);
    const parsed = parseOrderCsv(await file.text());
    const problems = [...parsed.problems];
    const fresh: ImportedOrder[] = [];
    let existing = 0;
    setStage({ kind: "checking", done: 0, total: parsed.orders.length });
    let done = 0;
    for (const batch of chunks(parsed.orders, CHECK_CHUNK)) {
      const answer = await client
        .query(CheckImport, { orders: batch.map((o) => o.input) }, { requestPolicy: "network-only" })
        .toPromise();
      if (!answer.data) {
        setError(answer.error?.message ?? "The check failed.");
        setStage({ kind: "idle" });
        return;
      }
      for (const check of answer.data.checkOrders) {
        const order = batch[check.index];
        if (check.outcome === "NEW") fresh.push(order);
        else if (check.outcome === "EXISTING") existing++;
        else
          for (const e of check.userErrors)
            problems.push({
              row: rowOfError(order, e.field),
              message: `${order.input.externalReference}: ${e.field ? `${e.field.join(".")}: ` : ""}${e.message}`,
            });
      }
      done += batch.length;
      setStage({ kind: "checking", done, total: parsed.orders.length });
    }
    problems.sort((a, b) => a.row - b.row);
    setStage({ kind: "checked", file: file.name, result: { fresh, existing, problems } });
  }

  async function create(orders: ImportedOrder[], existingBefore: number) {
    let created = 0;
    let existing = existingBefore;
    const failed: RowProblem[] = [];
    let next = 0;
    setStage({ kind: "creating", done: 0, total: orders.length });
    async function worker() {
      while (next < orders.length) {
        const order = orders[next++];
        const answer = await client.mutation(CreateImported, { input: order.input }).toPromise();
        const payload = answer.data?.createOrder;
        if (payload && payload.userErrors.length === 0) {
          if (payload.created) created++;
          else existing++;
        } else {
          const e = payload?.userErrors[0];
          failed.push({
            row: rowOfError(order, e?.field),
            message: `${order.input.externalReference}: ${e?.message ?? answer.error?.message ?? "failed"}`,
          });
        }
        setStage({ kind: "creating", done: created + failed.length + (existing - existingBefore), total: orders.length });
      }
    }
    await Promise.all(Array.from({ length: PARALLEL_CREATES }, worker));
    setStage({ kind: "finished", created, existing, failed: failed.sort((a, b) => a.row - b.row) });
  }

  return (
    <section aria-labelledby="import-title">
      <h1 id="import-title">Import orders from CSV</h1>
      <p>
        One row per order line; rows with the same <code>reference</code> make one order.
        Columns: <code>{COLUMNS.join(", ")}</code>. Every row is checked before anything is
        created, and an order whose reference already exists is never created twice.
      </p>
      <label class="field">
        CSV file
        <input
          type="file"
          accept=".csv,text/csv"
          disabled={stage.kind === "checking" || stage.kind === "creating"}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file) check(file);
            e.currentTarget.value = "";
          }}
        />
      </label>
      <ErrorNote error={error} />
      {stage.kind === "checking" || stage.kind === "creating" ? (
        <div role="status" aria-live="polite">
          <label>
            {stage.kind === "checking" ? "Checking" : "Creating"} orders: {stage.done} of{" "}
            {stage.total}
            <progress max={stage.total || 1} value={stage.done} />
          </label>
        </div>
      ) : null}
      {stage.kind === "checked" ? (
        <div class="panel" aria-label="Check result">
          <p role="status" class="import-summary">
            {stage.file}: {stage.result.fresh.length} new, {stage.result.existing} already
            there, {stage.result.problems.length} rows with problems. Nothing has been created yet.
          </p>
          {stage.result.problems.length ? (
            <ul class="row-errors" aria-label="Rows with problems">
              {stage.result.problems.map((p) => (
                <li>
                  Row {p.row}: {p.message}
                </li>
              ))}
            </ul>
          ) : null}
          <button
            type="submit"
            disabled={stage.result.fresh.length === 0}
            onClick={() => create(stage.result.fresh, stage.result.existing)}
          >
            Create {stage.result.fresh.length} new orders
            {stage.result.problems.length ? " (skip the rows with problems)" : ""}
          </button>{" "}
          <button type="button" onClick={() => setStage({ kind: "idle" })}>
            Cancel
          </button>
        </div>
      ) : null}
      {stage.kind === "finished" ? (
        <div class="panel" role="status">
          <p class="import-summary">
            Created {stage.created} orders; {stage.existing} were already there.
          </p>
          {stage.failed.length ? (
            <ul class="row-errors">
              {stage.failed.map((p) => (
                <li>
                  Row {p.row}: {p.message}
                </li>
              ))}
            </ul>
          ) : null}
          <Link href="/">See the orders</Link>
        </div>
      ) : null}
    </section>
  );
}
