import { Field } from "./Field";
import type { FieldErrors } from "./fieldErrors";

/** The parts of an AddressInput a form asks for, with their labels, in reading order. */
export const ADDRESS_PARTS = [
  ["name", "Name"],
  ["company", "Company"],
  ["line1", "Address line 1"],
  ["line2", "Address line 2"],
  ["city", "City"],
  ["region", "Region"],
  ["postalCode", "Postal code"],
  ["country", "Country (2 letters)"],
  ["phone", "Phone"],
  ["email", "E-mail"],
] as const;

export type AddressPart = (typeof ADDRESS_PARTS)[number][0];
export type AddressDraft = Partial<Record<AddressPart, string>>;

/** An AddressInput from a form's text: trimmed, blank parts as null. */
export function addressInput(draft: AddressDraft) {
  const value = (part: AddressPart) => draft[part]?.trim() || null;
  return {
    name: value("name"),
    company: value("company"),
    line1: value("line1") ?? "",
    line2: value("line2"),
    city: value("city") ?? "",
    region: value("region"),
    postalCode: value("postalCode") ?? "",
    country: (value("country") ?? "").toUpperCase(),
    phone: value("phone"),
    email: value("email"),
  };
}

type Props = {
  legend: string;
  /** Where the address sits in the input (`address`, `shipTo`): its userErrors' field prefix. */
  path: string;
  value: AddressDraft;
  onValue: (value: AddressDraft) => void;
  errors: FieldErrors;
  parts?: readonly AddressPart[];
  /** Boxes side by side where there is room (the default: one under another). */
  grid?: boolean;
};

/** A fieldset of address boxes, each with the userError naming it beneath it. */
export function AddressFields({ legend, path, value, onValue, errors, parts, grid }: Props) {
  const shown = ADDRESS_PARTS.filter(([part]) => !parts || parts.includes(part));
  return (
    <fieldset class={grid ? "address-grid" : undefined}>
      <legend>{legend}</legend>
      {errors[path] ? (
        <p class="field-error" role="alert">
          {errors[path]}
        </p>
      ) : null}
      {shown.map(([part, label]) => (
        <Field id={`${path}-${part}`} label={label} error={errors[`${path}.${part}`]}>
          {(describedBy) => (
            <input
              id={`${path}-${part}`}
              aria-describedby={describedBy}
              value={value[part] ?? ""}
              onInput={(e) => onValue({ ...value, [part]: e.currentTarget.value })}
            />
          )}
        </Field>
      ))}
    </fieldset>
  );
}
