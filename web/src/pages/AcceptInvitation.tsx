import { useState } from "preact/hooks";
import { acceptInvitation } from "../api/auth";
import { navigate } from "../router";
import { TextField } from "../ui/TextField";

/** The token of an invitation link (`/accept-invitation#token=...`): never sent in a URL. */
export function invitationToken(hash: string = window.location.hash): string {
  return new URLSearchParams(hash.replace(/^#/, "")).get("token") ?? "";
}

/** The page an invitation link opens: the person names themself, sets a password, is in. */
export function AcceptInvitation({ onSignedIn }: { onSignedIn: () => void }) {
  const [token] = useState(invitationToken);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const result = await acceptInvitation(token, name, password);
      if (result.ok) {
        navigate("/", true);
        onSignedIn();
        return;
      }
      const invalid = result.code === "INVITATION_INVALID";
      setErrors({
        [result.field ?? ""]: invalid
          ? "This invitation link is unknown, used or expired: ask for a new one."
          : result.message,
      });
    } catch {
      setErrors({ "": "The server could not be reached." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="sign-in">
      <h1>Welcome to Crossdock</h1>
      {token ? (
        <form onSubmit={submit} aria-label="Accept the invitation">
          <TextField
            id="name"
            label="Your name"
            autoComplete="name"
            required
            value={name}
            onValue={setName}
            error={errors.name}
          />
          <TextField
            id="new-password"
            label="Choose a password"
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onValue={setPassword}
            error={errors.password}
          />
          {errors[""] ? (
            <p class="error" role="alert">
              {errors[""]}
            </p>
          ) : null}
          <button type="submit" disabled={busy}>
            {busy ? "Signing in…" : "Accept and sign in"}
          </button>
        </form>
      ) : (
        <p class="error" role="alert">
          This link has no invitation in it. Open the whole link you were given.
        </p>
      )}
    </main>
  );
}
