import { createContext } from "preact";
import { useContext } from "preact/hooks";
import type { ViewerQuery } from "./gql/graphql";

export type Viewer = ViewerQuery["viewer"];

export type Session = {
  viewer: Viewer;
  timeZone: string;
  signOut: () => void;
};

export const SessionContext = createContext<Session | null>(null);

/** The signed-in viewer; only pages under a signed-in face call this. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in face");
  return session;
}

export const userTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;
