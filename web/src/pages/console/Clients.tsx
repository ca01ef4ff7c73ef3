import { useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import { formatTime } from "../../format";
import { graphql } from "../../gql";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { fieldErrorsOf } from "../../ui/mutationResult";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { TextField } from "../../ui/TextField";

const ClientsDocument = graphql(`
  query ClientList($first: Int!, $after: String) {
    clients(first: $first, after: $after) {
      edges {
        node {
          id
          code
          name
          createdAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const CreateClientDocument = graphql(`
  mutation CreateClient($input: CreateClientInput!) {
    createClient(input: $input) {
      client {
        id
        code
      }
      userErrors {
        ...UserErrorFields
      }
    }
  }
`);

/** The provider's clients: the list, and a new one. */
export function Clients() {
  const { timeZone } = useSession();
  const pages = useCursorPages();
  const [result, refetch] = useQuery({
    query: ClientsDocument,
    variables: { first: 50, after: pages.after },
  });
  const [, create] = useMutation(CreateClientDocument);
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const clients = result.data?.clients.edges.map((e) => e.node) ?? [];

  async function submit(event: Event) {
    event.preventDefault();
    const found = fieldErrorsOf(await create({ input: { code: code.trim(), name: name.trim() } }));
    setErrors(found);
    if (Object.keys(found).length === 0) {
      setCode("");
      setName("");
      refetch({ requestPolicy: "network-only" });
    }
  }

  return (
    <section aria-labelledby="clients-title">
      <h1 id="clients-title">Clients</h1>
      <form class="panel line-row" aria-label="Add a client" onSubmit={submit}>
        <TextField id="client-code" label="Code" required value={code} onValue={setCode} error={errors.code} />
        <TextField id="client-name" label="Name" required value={name} onValue={setName} error={errors.name} />
        <button type="submit">Add client</button>
        <ErrorNote error={errors[""]} />
      </form>
      <ErrorNote error={result.error} />
      {result.fetching && !result.data ? (
        <Loading what="clients" />
      ) : (
        <DataTable
          label="Clients"
          rows={clients}
          rowKey={(c) => c.id}
          empty="No clients yet."
          columns={[
            { header: "Code", cell: (c) => c.code },
            { header: "Name", cell: (c) => c.name },
            { header: "Since", cell: (c) => formatTime(c.createdAt, timeZone) },
          ]}
        />
      )}
      <Pager
        page={pages.page}
        hasNext={Boolean(result.data?.clients.pageInfo.hasNextPage)}
        onNext={() => pages.next(result.data?.clients.pageInfo.endCursor)}
        onPrevious={pages.previous}
      />
    </section>
  );
}
