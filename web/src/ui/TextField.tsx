import { Field } from "./Field";

type Props = {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  error?: string;
  type?: string;
  required?: boolean;
  autoComplete?: string;
};

/** A labelled text box with its userError beneath it (see Field). */
export function TextField({ id, label, value, onValue, error, type = "text", ...rest }: Props) {
  return (
    <Field id={id} label={label} error={error}>
      {(describedBy) => (
        <input
          id={id}
          type={type}
          aria-describedby={describedBy}
          value={value}
          onInput={(e) => onValue(e.currentTarget.value)}
          {...rest}
        />
      )}
    </Field>
  );
}
