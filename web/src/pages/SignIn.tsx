import { useState } from "preact/hooks";
import { signIn } from "../api/auth";
import { Field } from "../ui/Field";

type Props = { note?: string; onSignedIn: () => void };

export function SignIn({ note, onSignedIn }: Props) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>(note);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const result = await signIn(email, password);
      if (result.ok) {
        onSignedIn();
        return;
      }
      setError(
        result.code === "THROTTLED"
          ? `Too many attempts. Try again in ${result.retryAfter ?? "a few"} seconds.`
          : result.message,
      );
    } catch {
      setError("The server could not be reached.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="sign-in">
      <h1>Crossdock</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <Field label="E-mail" id="email">
          {() => (
            <input
              id="email"
              type="email"
              autoComplete="username"
              required
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
            />
          )}
        </Field>
        <Field label="Password" id="password">
          {() => (
            <input
              id="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          )}
        </Field>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p class="hint">
        Integrations use API keys: <a href="/graphql">GraphiQL</a>.
      </p>
    </main>
  );
}
