import { useClient, useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import { formatMoney, humanize } from "../../format";
import { graphql } from "../../gql";
import { DataTable } from "../../ui/DataTable";
import { base64ToBytes, saveFile } from "../../ui/download";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";

const InvoiceList = graphql(`
  query InvoiceList($first: Int!, $after: String) {
    invoices(first: $first, after: $after) {
      edges {
        node {
          id
          number
          status
          period {
            year
            month
          }
          client {
            code
          }
          total {
            amount
            currency
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

const InvoiceFile = graphql(`
  query InvoiceFile($id: ID!, $pdf: Boolean!, $csv: Boolean!) {
    invoice(id: $id) {
      number
      pdfBase64 @include(if: $pdf)
      csv @include(if: $csv)
    }
  }
`);

const RunBilling = graphql(`
  mutation RunBilling($year: Int!, $month: Int!) {
    runBillingPeriod(input: { period: { year: $year, month: $month } }) {
      userErrors {
        field
        code
        message
      }
      invoices {
        id
      }
    }
  }
`);

/** Invoices with PDF and CSV downloads; staff may run a billing period. */
export function Invoices({ canRun = false }: { canRun?: boolean }) {
  const pages = useCursorPages();
  const [result, refetch] = useQuery({
    query: InvoiceList,
    variables: { first: 50, after: pages.after },
  });
  const client = useClient();
  const [, run] = useMutation(RunBilling);
  const now = new Date();
  const [period, setPeriod] = useState(
    `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`,
  );
  const [message, setMessage] = useState<string>();

  async function download(id: string, kind: "pdf" | "csv") {
    const answer = await client
      .query(
        InvoiceFile,
        { id, pdf: kind === "pdf", csv: kind === "csv" },
        { requestPolicy: "network-only" },
      )
      .toPromise();
    const invoice = answer.data?.invoice;
    if (!invoice) {
      setMessage(answer.error?.message ?? "The invoice could not be loaded.");
      return;
    }
    if (kind === "pdf" && invoice.pdfBase64)
      saveFile(`${invoice.number}.pdf`, base64ToBytes(invoice.pdfBase64), "application/pdf");
    if (kind === "csv" && invoice.csv) saveFile(`${invoice.number}.csv`, invoice.csv, "text/csv");
  }

  async function runPeriod(event: Event) {
    event.preventDefault();
    const [year, month] = period.split("-").map(Number);
    const answer = await run({ year, month });
    const errors = answer.data?.runBillingPeriod.userErrors ?? [];
    setMessage(
      answer.error?.message ??
        (errors.length
          ? errors.map((e) => e.message).join(" ")
          : `${answer.data?.runBillingPeriod.invoices.length ?? 0} invoices drafted or updated.`),
    );
    refetch({ requestPolicy: "network-only" });
  }

  const invoices = result.data?.invoices.edges.map((e) => e.node) ?? [];
  return (
    <section aria-labelledby="invoices-title">
      <h1 id="invoices-title">Invoices</h1>
      {canRun ? (
        <form class="filters" aria-label="Run billing" onSubmit={runPeriod}>
          <label>
            Period
            <input type="month" value={period} onInput={(e) => setPeriod(e.currentTarget.value)} />
          </label>
          <button type="submit">Run billing</button>
        </form>
      ) : null}
      {message ? <p role="status">{message}</p> : null}
      <ErrorNote error={result.error} />
      {result.fetching && !result.data ? (
        <Loading what="invoices" />
      ) : (
        <DataTable
          label="Invoices"
          rows={invoices}
          rowKey={(invoice) => invoice.id}
          empty="No invoices yet."
          columns={[
            { header: "Number", cell: (i) => i.number },
            { header: "Client", cell: (i) => i.client?.code ?? "—" },
            {
              header: "Period",
              cell: (i) => `${i.period.year}-${String(i.period.month).padStart(2, "0")}`,
            },
            { header: "Status", cell: (i) => humanize(i.status) },
            { header: "Total", cell: (i) => formatMoney(i.total), className: "num" },
            {
              header: "Files",
              cell: (i) => (
                <>
                  <button type="button" onClick={() => download(i.id, "pdf")}>
                    PDF<span class="sr-only"> of {i.number}</span>
                  </button>{" "}
                  <button type="button" onClick={() => download(i.id, "csv")}>
                    CSV<span class="sr-only"> of {i.number}</span>
                  </button>
                </>
              ),
            },
          ]}
        />
      )}
      <Pager
        page={pages.page}
        hasNext={Boolean(result.data?.invoices.pageInfo.hasNextPage)}
        onNext={() => pages.next(result.data?.invoices.pageInfo.endCursor)}
        onPrevious={pages.previous}
      />
    </section>
  );
}
