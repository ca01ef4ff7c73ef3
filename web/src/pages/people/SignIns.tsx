import { useQuery } from "@urql/preact";
import { useState } from "preact/hooks";
import { formatTime } from "../../format";
import { graphql } from "../../gql";
import type { AuditOutcome } from "../../gql/graphql";
import { Link, usePath } from "../../router";
import { useSession } from "../../session";
import { DataTable } from "../../ui/DataTable";
import { Pager, useCursorPages } from "../../ui/Pager";
import { ErrorNote, Loading } from "../../ui/states";
import { SIGN_IN_MUTATIONS, describeSignIn, inputField } from "./signIns";

const SignInsDocument = graphql(`
  query SignIns($first: Int!, $after: String, $mutation: [String!], $outcome: [AuditOutcome!], $objectId: ID) {
    auditEvents(
      first: $first
      after: $after
      filter: { mutation: $mutation, outcome: $outcome, objectId: $objectId }
    ) {
      edges {
        node {
          id
          occurredAt
          mutation
          actorName
          outcome
          errorCodes
          input
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

/** Who signed in and out, and which sign-ins were refused, newest first; one person's
 * only when the address names them (`/sign-ins?person=<id>&name=<name>`). */
export function SignIns() {
  const { timeZone } = useSession();
  const query = new URLSearchParams(usePath().split("?")[1] ?? "");
  const person = query.get("person");
  const pages = useCursorPages();
  const [refusedOnly, setRefusedOnly] = useState(false);
  const outcome: AuditOutcome[] | null = refusedOnly ? ["REFUSED"] : null;
  const [result] = useQuery({
    query: SignInsDocument,
    variables: { first: 50, after: pages.after, mutation: SIGN_IN_MUTATIONS, outcome, objectId: person },
    requestPolicy: "cache-and-network",
  });
  const events = result.data?.auditEvents.edges.map((e) => e.node) ?? [];

  return (
    <section aria-labelledby="sign-ins-title">
      <h1 id="sign-ins-title">{person ? `Sign-ins of ${query.get("name") ?? "one person"}` : "Sign-ins"}</h1>
      {person ? <Link href="/sign-ins">Everyone's sign-ins</Link> : null}
      <p class="muted">
        Sign-ins, refused sign-ins and sign-outs of your people. Passwords are never recorded.
      </p>
      <div class="filters">
        <label class="check">
          <input
            type="checkbox"
            checked={refusedOnly}
            onChange={(e) => {
              setRefusedOnly(e.currentTarget.checked);
              pages.reset();
            }}
          />
          Refused only
        </label>
      </div>
      <ErrorNote error={result.error} />
      {result.fetching && !result.data ? (
        <Loading what="sign-ins" />
      ) : (
        <DataTable
          label="Sign-ins"
          rows={events}
          rowKey={(e) => e.id}
          empty="No sign-ins recorded."
          columns={[
            { header: "When", cell: (e) => formatTime(e.occurredAt, timeZone) },
            { header: "Person", cell: (e) => e.actorName },
            { header: "What", cell: (e) => describeSignIn(e) },
            { header: "E-mail", cell: (e) => inputField(e, "email") },
            { header: "From", cell: (e) => inputField(e, "clientAddress") },
          ]}
        />
      )}
      <Pager
        page={pages.page}
        hasNext={Boolean(result.data?.auditEvents.pageInfo.hasNextPage)}
        onNext={() => pages.next(result.data?.auditEvents.pageInfo.endCursor)}
        onPrevious={pages.previous}
      />
    </section>
  );
}
