import { useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import { formatTime, humanize } from "../../format";
import type { WebhookTopic } from "../../gql/graphql";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { fieldErrorsOf, problemOf } from "../../ui/mutationResult";
import { OneTimeSecret } from "../../ui/OneTimeSecret";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { TextField } from "../../ui/TextField";
import { offeredTopics, toggle } from "./topics";
import {
  CreateEndpointDocument,
  DeleteEndpointDocument,
  RedeliverDocument,
  WebhooksDocument,
} from "./webhookDocuments";

/** Webhook endpoints (add one, its signing secret shown once; remove one) and deliveries. */
export function Webhooks() {
  const { timeZone } = useSession();
  const pages = useCursorPages();
  const [result, refetch] = useQuery({ query: WebhooksDocument, variables: { after: pages.after } });
  const [, remove] = useMutation(DeleteEndpointDocument);
  const [, redeliver] = useMutation(RedeliverDocument);
  const [problem, setProblem] = useState<string>();
  const refresh = () => refetch({ requestPolicy: "network-only" });
  const endpoints = result.data?.webhookEndpoints.edges.map((e) => e.node) ?? [];
  const deliveries = result.data?.webhookDeliveries.edges.map((e) => e.node) ?? [];

  async function act(answer: Promise<Parameters<typeof problemOf>[0]>) {
    setProblem(problemOf(await answer));
    refresh();
  }

  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">Webhooks</h1>
      <EndpointForm onCreated={refresh} />
      <ErrorNote error={problem ?? result.error} />
      {result.fetching && !result.data ? <Loading what="webhooks" /> : null}
      <h2>Endpoints</h2>
      <DataTable
        label="Endpoints"
        rows={endpoints}
        rowKey={(e) => e.id}
        empty="No endpoints yet."
        columns={[
          { header: "URL", cell: (e) => e.url },
          { header: "Topics", cell: (e) => e.topics.map(humanize).join(", ") },
          { header: "For", cell: (e) => e.client?.code ?? "—" },
          { header: "Since", cell: (e) => formatTime(e.createdAt, timeZone) },
          {
            header: "",
            cell: (e) => (
              <button
                type="button"
                class="danger"
                onClick={() => {
                  if (window.confirm(`Remove the endpoint ${e.url}?`)) act(remove({ id: e.id }));
                }}
              >
                Remove<span class="sr-only"> {e.url}</span>
              </button>
            ),
          },
        ]}
      />
      <h2>
        Deliveries{" "}
        <button type="button" onClick={refresh}>
          Refresh
        </button>
      </h2>
      <DataTable
        label="Deliveries"
        rows={deliveries}
        rowKey={(d) => d.id}
        empty="Nothing sent yet."
        columns={[
          { header: "Topic", cell: (d) => humanize(d.topic) },
          { header: "To", cell: (d) => d.endpoint?.url ?? "—" },
          { header: "Status", cell: (d) => humanize(d.status) },
          { header: "Attempts", cell: (d) => d.attemptCount, className: "num" },
          {
            header: "Last answer",
            cell: (d) => d.lastError ?? (d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : "—"),
          },
          { header: "Happened", cell: (d) => formatTime(d.occurredAt, timeZone) },
          {
            header: "",
            cell: (d) => (
              <button type="button" onClick={() => act(redeliver({ id: d.id }))}>
                Redeliver<span class="sr-only"> {humanize(d.topic)} of {d.occurredAt}</span>
              </button>
            ),
          },
        ]}
      />
      <Pager
        page={pages.page}
        hasNext={Boolean(result.data?.webhookDeliveries.pageInfo.hasNextPage)}
        onNext={() => pages.next(result.data?.webhookDeliveries.pageInfo.endCursor)}
        onPrevious={pages.previous}
      />
    </section>
  );
}

function EndpointForm({ onCreated }: { onCreated: () => void }) {
  const { viewer } = useSession();
  const [, create] = useMutation(CreateEndpointDocument);
  const [url, setUrl] = useState("");
  const [topics, setTopics] = useState<WebhookTopic[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [secret, setSecret] = useState<string>();

  async function submit(event: Event) {
    event.preventDefault();
    setSecret(undefined);
    const answer = await create({ input: { url: url.trim(), topics } });
    const found = fieldErrorsOf(answer);
    setErrors(found);
    const made = answer.data?.createWebhookEndpoint.secret;
    if (Object.keys(found).length === 0 && made) {
      setSecret(made);
      setUrl("");
      setTopics([]);
      onCreated();
    }
  }

  return (
    <form class="panel" aria-label="Add an endpoint" onSubmit={submit}>
      <h2>Add an endpoint</h2>
      <TextField
        id="endpoint-url"
        label="URL"
        type="url"
        required
        value={url}
        onValue={setUrl}
        error={errors.url}
      />
      <fieldset aria-describedby={errors.topics ? "endpoint-topics-error" : undefined}>
        <legend>Topics</legend>
        <div class="topics">
          {offeredTopics(viewer.kind).map((topic) => (
            <label class="check">
              <input
                type="checkbox"
                checked={topics.includes(topic)}
                onChange={() => setTopics(toggle(topics, topic))}
              />
              {humanize(topic)}
            </label>
          ))}
        </div>
        {errors.topics ? (
          <p class="field-error" id="endpoint-topics-error" role="alert">
            {errors.topics}
          </p>
        ) : null}
      </fieldset>
      <button type="submit">Add endpoint</button>
      <ErrorNote error={errors[""]} />
      {secret ? (
        <OneTimeSecret
          label="Signing secret"
          value={secret}
          note="Shown once: check each delivery's Crossdock-Webhook-Signature with it."
        />
      ) : null}
    </form>
  );
}
