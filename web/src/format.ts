/** Money and time as people read them: the currency named, times in their own zone. */

export type MoneyValue = { amount: string; currency: string };

export function formatMoney(money: MoneyValue | null | undefined, locale?: string): string {
  if (!money) return "—";
  const amount = Number(money.amount);
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency: money.currency }).format(
      amount,
    );
  } catch {
    return `${money.amount} ${money.currency}`;
  }
}

export function formatTime(
  iso: string | null | undefined,
  timeZone?: string,
  locale?: string,
): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(locale, {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone,
  }).format(new Date(iso));
}

/** `PARTIALLY_ALLOCATED` → `Partially allocated`. */
export function humanize(value: string): string {
  const words = value.toLowerCase().split("_").join(" ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}
