import type { ComponentChildren } from "preact";

type Props = {
  label: string;
  id: string;
  error?: string;
  children: (describedBy: string | undefined) => ComponentChildren;
};

/** A labelled control with its userError beneath it, tied by aria-describedby. */
export function Field({ label, id, error, children }: Props) {
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div class={error ? "field invalid" : "field"}>
      <label for={id}>{label}</label>
      {children(errorId)}
      {error ? (
        <span class="field-error" id={errorId} role="alert">
          {error}
        </span>
      ) : null}
    </div>
  );
}
