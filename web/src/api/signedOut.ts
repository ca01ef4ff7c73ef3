import { type Exchange, mapExchange } from "@urql/core";
import { isSignedOut } from "../viewer";

/**
 * Calls `onSignedOut` when any answer says the session is gone (expired, ended by a
 * password change elsewhere, signed out in another tab), so the app can show the sign-in
 * form instead of leaving each page with an error it cannot recover from.
 */
export function signedOutExchange(onSignedOut: () => void): Exchange {
  return mapExchange({
    onError(error) {
      const codes = error.graphQLErrors.map((e) => e.extensions?.code);
      if (isSignedOut(codes)) onSignedOut();
    },
  });
}
