import type { CombinedError } from "@urql/core";

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function ErrorNote({ error }: { error: CombinedError | string | undefined | null }) {
  if (!error) return null;
  const message =
    typeof error === "string"
      ? error
      : (error.graphQLErrors[0]?.message ?? error.networkError?.message ?? error.message);
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}
