import { Field } from "./Field";
import type { FieldErrors } from "./fieldErrors";

/** One line of a form that lists products by SKU, as typed. */
export type SkuLine = { sku: string; quantity: string };

export const EMPTY_LINE: SkuLine = { sku: "", quantity: "1" };

/**
 * The lines of an order or a shipment: a SKU box (suggestions from `products`, searched with
 * `onSearch` as the person types), a quantity, the product's name once known, Add and Remove.
 * Ids start with `idPrefix` (`line-0-sku`); a line's SKU error is read from
 * `lines.<i>.<skuField>`, its other errors from `lines.<i>` and `lines.<i>.quantity`.
 */
export function SkuLines({
  idPrefix,
  lines,
  onLines,
  products,
  nameOf,
  onSearch,
  errors,
  skuField,
  required = false,
}: {
  idPrefix: string;
  lines: SkuLine[];
  onLines: (lines: SkuLine[]) => void;
  products: { sku: string; name: string }[];
  nameOf: (sku: string) => string | undefined;
  onSearch: (text: string) => void;
  errors: FieldErrors;
  skuField: string;
  required?: boolean;
}) {
  const options = `${idPrefix}sku-options`;

  function setLine(index: number, change: Partial<SkuLine>) {
    onLines(lines.map((line, i) => (i === index ? { ...line, ...change } : line)));
  }

  return (
    <fieldset>
      <legend>Lines</legend>
      <datalist id={options}>
        {products.map((p) => (
          <option value={p.sku}>{p.name}</option>
        ))}
      </datalist>
      {lines.map((line, index) => (
        <div class="line-row">
          <Field
            id={`${idPrefix}line-${index}-sku`}
            label={`Line ${index + 1} SKU`}
            error={errors[`lines.${index}.${skuField}`] ?? errors[`lines.${index}`]}
          >
            {(describedBy) => (
              <input
                id={`${idPrefix}line-${index}-sku`}
                list={options}
                required={required}
                aria-describedby={describedBy}
                value={line.sku}
                onFocus={() => onSearch(line.sku)}
                onInput={(e) => {
                  setLine(index, { sku: e.currentTarget.value });
                  onSearch(e.currentTarget.value);
                }}
              />
            )}
          </Field>
          <Field
            id={`${idPrefix}line-${index}-quantity`}
            label={`Line ${index + 1} quantity`}
            error={errors[`lines.${index}.quantity`]}
          >
            {(describedBy) => (
              <input
                id={`${idPrefix}line-${index}-quantity`}
                type="number"
                min="1"
                aria-describedby={describedBy}
                value={line.quantity}
                onInput={(e) => setLine(index, { quantity: e.currentTarget.value })}
              />
            )}
          </Field>
          <span class="muted">{nameOf(line.sku.trim()) ?? ""}</span>
          {lines.length > 1 ? (
            <button
              type="button"
              aria-label={`Remove line ${index + 1}`}
              onClick={() => onLines(lines.filter((_, i) => i !== index))}
            >
              Remove
            </button>
          ) : null}
        </div>
      ))}
      <button type="button" onClick={() => onLines([...lines, { ...EMPTY_LINE }])}>
        Add line
      </button>
      {errors.lines ? (
        <p class="field-error" role="alert">
          {errors.lines}
        </p>
      ) : null}
    </fieldset>
  );
}
