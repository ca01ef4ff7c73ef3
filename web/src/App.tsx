import { Provider as UrqlProvider } from "@urql/preact";
import type { Client } from "@urql/core";
import { useEffect, useMemo, useState } from "preact/hooks";
import { signOut as postSignOut } from "./api/auth";
import { makeClient, onRightsChanged } from "./api/client";
import { ConsoleFace } from "./pages/console/ConsoleFace";
import { ClientFace } from "./pages/client/ClientFace";
import { AcceptInvitation } from "./pages/AcceptInvitation";
import { SignIn } from "./pages/SignIn";
import { SupplierFace } from "./pages/supplier/SupplierFace";
import { match, navigate, usePath } from "./router";
import { SessionContext, userTimeZone, type Viewer } from "./session";
import { Loading } from "./ui/states";
import { isSignedOut, ViewerDocument } from "./viewer";

export const SESSION_ENDED = "Your session has ended; sign in again to carry on.";

type State =
  | { kind: "checking" }
  | { kind: "signedOut"; note?: string }
  | { kind: "signedIn"; viewer: Viewer };

/** Who is signed in decides the face: console (provider), client portal, supplier portal. */
export function App() {
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<State>({ kind: "checking" });
  // A session that ends under an open page (expired, or ended by a password change or a
  // sign-out elsewhere) brings back the sign-in form; the path stays, so signing in again
  // returns to the same page.
  const client: Client = useMemo(
    () =>
      makeClient(() => {
        setState((now) => (now.kind === "signedIn" ? { kind: "signedOut", note: SESSION_ENDED } : now));
      }),
    [generation],
  );
  const path = usePath();

  useEffect(() => {
    let live = true;
    client
      .query(ViewerDocument, {}, { requestPolicy: "network-only" })
      .toPromise()
      .then((result) => {
        if (!live) return;
        if (result.data?.viewer) {
          setState({ kind: "signedIn", viewer: result.data.viewer });
        } else {
          const codes = result.error?.graphQLErrors.map((e) => e.extensions?.code) ?? [];
          const note = isSignedOut(codes) || !result.error ? undefined : result.error.message;
          setState({ kind: "signedOut", note });
        }
      });
    return () => {
      live = false;
    };
  }, [client]);

  const session = useMemo(() => {
    if (state.kind !== "signedIn") return null;
    return {
      viewer: state.viewer,
      timeZone: userTimeZone(),
      signOut: () => {
        postSignOut().finally(() => {
          setState({ kind: "signedOut" });
          navigate("/", true);
          setGeneration((n) => n + 1);
        });
      },
    };
  }, [state]);

  const signedInAgain = () => {
    setState({ kind: "checking" });
    setGeneration((n) => n + 1);
  };
  // A role changed or a session ended under an open subscription: read who is signed in
  // afresh, so the face and its links match what the person may do now.
  useEffect(() => {
    const stop = onRightsChanged(() => {
      setState({ kind: "checking" });
      setGeneration((n) => n + 1);
    });
    return () => {
      stop();
    };
  }, []);
  if (match("/accept-invitation", path)) return <AcceptInvitation onSignedIn={signedInAgain} />;
  if (state.kind === "checking") return <Loading what="Crossdock" />;
  if (state.kind === "signedOut" || !session) {
    return (
      <SignIn
        note={state.kind === "signedOut" ? state.note : undefined}
        onSignedIn={signedInAgain}
      />
    );
  }
  const Face = { PROVIDER: ConsoleFace, CLIENT: ClientFace, SUPPLIER: SupplierFace }[
    session.viewer.kind
  ];
  return (
    <UrqlProvider value={client}>
      <SessionContext.Provider value={session}>
        <Face />
      </SessionContext.Provider>
    </UrqlProvider>
  );
}
