/** A secret the server shows once (an API key, an invitation link), ready to copy. */
export function OneTimeSecret({ label, value, note }: { label: string; value: string; note: string }) {
  return (
    <div class="panel secret" role="status">
      <label class="field">
        {label}
        <input
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          class="secret-value"
        />
      </label>
      <p class="muted">{note}</p>
      <button type="button" onClick={() => navigator.clipboard?.writeText(value)}>
        Copy
      </button>
    </div>
  );
}
