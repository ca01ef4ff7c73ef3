import { Client, fetchExchange, gql } from "@urql/core";
import { describe, expect, it, vi } from "vitest";
import { signedOutExchange } from "./signedOut";

/** A client whose server answers every request with `body`. */
function clientAnswering(body: unknown, onSignedOut: () => void): Client {
  return new Client({
    url: "http://app.test/graphql",
    exchanges: [signedOutExchange(onSignedOut), fetchExchange],
    fetch: async () =>
      new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } }),
  });
}

const query = gql`
  query Stock {
    viewer {
      kind
    }
  }
`;

describe("an answer saying the session is gone", () => {
  it.each(["SESSION_EXPIRED", "UNAUTHENTICATED", "CSRF_REFUSED"])("%s signs the app out", async (code) => {
    const onSignedOut = vi.fn();
    const client = clientAnswering(
      { data: null, errors: [{ message: "The session has ended; sign in again.", extensions: { code } }] },
      onSignedOut,
    );
    const result = await client.query(query, {}).toPromise();
    expect(result.error?.graphQLErrors[0].extensions.code).toBe(code);
    expect(onSignedOut).toHaveBeenCalledTimes(1);
  });

  it("leaves other errors and good answers to the page", async () => {
    const onSignedOut = vi.fn();
    const refused = { data: null, errors: [{ message: "No.", extensions: { code: "MISSING_SCOPE" } }] };
    await clientAnswering(refused, onSignedOut).query(query, {}).toPromise();
    await clientAnswering({ data: { viewer: { kind: "CLIENT" } } }, onSignedOut).query(query, {}).toPromise();
    expect(onSignedOut).not.toHaveBeenCalled();
  });
});
