import { useMutation } from "@urql/preact";
import { useState } from "preact/hooks";
import { graphql } from "../../gql";
import type { FieldErrors } from "../../ui/fieldErrors";
import { fieldErrorsOf } from "../../ui/mutationResult";
import { TextField } from "../../ui/TextField";

const ChangePasswordDocument = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input) {
      userErrors {
        field
        code
        message
      }
      user {
        id
      }
    }
  }
`);

/** The signed-in person's own password (`changePassword`); their other sessions end. */
export function ChangePassword() {
  const [, change] = useMutation(ChangePasswordDocument);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setDone(false);
    // A typo in a password nobody can see would lock its owner out: caught before sending.
    if (next !== repeat) {
      setErrors({ repeat: "The two new passwords differ." });
      return;
    }
    setBusy(true);
    const answer = await change({ input: { currentPassword: current, newPassword: next } });
    setBusy(false);
    const found = fieldErrorsOf(answer);
    setErrors(found);
    if (Object.keys(found).length === 0 && answer.data?.changePassword.user) {
      setCurrent("");
      setNext("");
      setRepeat("");
      setDone(true);
    }
  }

  const elsewhere = Object.entries(errors)
    .filter(([key]) => !["currentPassword", "newPassword", "repeat"].includes(key))
    .map(([, message]) => message);
  return (
    <section aria-labelledby="password-title">
      <h1 id="password-title">Password</h1>
      <p class="muted">Changing it signs you out everywhere else; this browser stays signed in.</p>
      {done ? (
        <p role="status">Password changed. Your other sessions have ended.</p>
      ) : null}
      <form onSubmit={submit} aria-label="Change password" class="order-form">
        {elsewhere.length ? (
          <p class="error" role="alert">
            {elsewhere.join(" ")}
          </p>
        ) : null}
        <TextField
          id="password-current"
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onValue={setCurrent}
          error={errors.currentPassword}
        />
        <TextField
          id="password-new"
          label="New password (10 to 200 characters)"
          type="password"
          autoComplete="new-password"
          required
          value={next}
          onValue={setNext}
          error={errors.newPassword}
        />
        <TextField
          id="password-repeat"
          label="New password again"
          type="password"
          autoComplete="new-password"
          required
          value={repeat}
          onValue={setRepeat}
          error={errors.repeat}
        />
        <button type="submit" disabled={busy}>
          {busy ? "Changing…" : "Change password"}
        </button>
      </form>
    </section>
  );
}
