import { useState } from "preact/hooks";
import { humanize } from "../format";

type Props<Reason extends string> = {
  label: string;
  reasons: readonly Reason[];
  submit: string;
  danger?: boolean;
  onSubmit: (reason: Reason, note: string | null) => void;
};

/** A reason from a closed list and an optional note, sent together (holds, rejections). */
export function ReasonForm<Reason extends string>({
  label,
  reasons,
  submit,
  danger = false,
  onSubmit,
}: Props<Reason>) {
  const [reason, setReason] = useState<Reason>(reasons[0]);
  const [note, setNote] = useState("");
  return (
    <form
      class="inline"
      aria-label={label}
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(reason, note.trim() || null);
      }}
    >
      <select
        aria-label={`${label}: reason`}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value as Reason)}
      >
        {reasons.map((r) => (
          <option value={r}>{humanize(r)}</option>
        ))}
      </select>
      <input
        aria-label={`${label}: note`}
        placeholder="Note"
        value={note}
        onInput={(e) => setNote(e.currentTarget.value)}
      />
      <button type="submit" class={danger ? "danger" : undefined}>
        {submit}
      </button>
    </form>
  );
}
