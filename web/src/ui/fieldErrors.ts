/** userErrors arranged by the input field they name, so each shows next to its field. */

export type UserErrorLike = { field?: readonly string[] | null; code: string; message: string };

export type FieldErrors = Record<string, string>;

/** Key of an error: its field path without the leading `input`, joined with dots. */
export function fieldKey(field: readonly string[] | null | undefined): string {
  if (!field || field.length === 0) return "";
  const path = field[0] === "input" ? field.slice(1) : field;
  return path.join(".");
}

export function byField(errors: readonly UserErrorLike[] | null | undefined): FieldErrors {
  const found: FieldErrors = {};
  for (const error of errors ?? []) {
    const key = fieldKey(error.field);
    found[key] = found[key] ? `${found[key]} ${error.message}` : error.message;
  }
  return found;
}
