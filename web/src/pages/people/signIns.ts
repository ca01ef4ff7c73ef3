/** Sign-in events of the audit trail, as people read them. */

export const SIGN_IN_MUTATIONS = ["signIn", "signOut", "acceptInvitation"];

export type SignInEvent = {
  mutation: string;
  outcome: string;
  errorCodes: readonly string[];
  input: unknown;
};

const REFUSALS: Record<string, string> = {
  INVALID_CREDENTIALS: "Refused: wrong password",
  ACCOUNT_INACTIVE: "Refused: account not active",
  THROTTLED: "Refused: too many failures, blocked",
};

/** What happened: "Signed in", "Refused: wrong password", ... */
export function describeSignIn(event: SignInEvent): string {
  if (event.outcome === "REFUSED") {
    const code = event.errorCodes[0] ?? "";
    return REFUSALS[code] ?? `Refused (${code || "no reason"})`;
  }
  if (event.mutation === "signOut")
    return inputField(event, "ended") === "expired" ? "Signed out: the session expired" : "Signed out";
  if (event.mutation === "acceptInvitation") return "Accepted an invitation, signed in";
  return "Signed in";
}

/** One string field of the event's recorded input, or "—". */
export function inputField(event: SignInEvent, name: string): string {
  const input = event.input;
  if (input && typeof input === "object" && name in input) {
    const value = (input as Record<string, unknown>)[name];
    if (typeof value === "string") return value;
  }
  return "—";
}
