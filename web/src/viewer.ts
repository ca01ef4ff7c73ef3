import { graphql } from "./gql";

export const ViewerDocument = graphql(`
  query Viewer {
    viewer {
      kind
      scopes
      keyPrefix
      user {
        id
        name
        role
      }
      provider {
        id
        name
      }
      client {
        id
        code
        name
      }
      supplier {
        id
        name
      }
    }
  }
`);

/** Whether a GraphQL answer says the caller is not (or no longer) signed in. */
export function isSignedOut(codes: readonly unknown[]): boolean {
  const signedOut = ["UNAUTHENTICATED", "CSRF_REFUSED", "INVALID_API_KEY", "SESSION_EXPIRED"];
  return codes.some((code) => typeof code === "string" && signedOut.includes(code));
}
