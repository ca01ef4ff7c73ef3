import type { CreateRateCardInput, CurrencyCode } from "../../gql/graphql";

/** The prices of a rate card, in the order the form shows them. */
export const RATE_FIELDS = [
  { name: "receivingPerUnit", label: "Receiving, per unit", percent: false },
  { name: "receivingPerReceipt", label: "Receiving, per receipt", percent: false },
  { name: "receivingPerAsn", label: "Receiving, per inbound shipment", percent: false },
  { name: "storagePerUnitDay", label: "Storage, per unit a day", percent: false },
  { name: "storagePerCubicMetreDay", label: "Storage, per m³ a day", percent: false },
  { name: "pickPerOrder", label: "Pick, per order", percent: false },
  { name: "pickPerAdditionalUnit", label: "Pick, per further unit", percent: false },
  { name: "packagingPerOrder", label: "Packaging, per order", percent: false },
  { name: "shippingMarkupPercent", label: "Shipping markup (%)", percent: true },
  { name: "shippingFlatFee", label: "Shipping, per label", percent: false },
  { name: "dropShipPerOrder", label: "Drop ship, per order", percent: false },
  { name: "dropShipPerUnit", label: "Drop ship, per unit", percent: false },
  { name: "monthlyMinimum", label: "Monthly minimum", percent: false },
  { name: "taxRatePercent", label: "Tax (%)", percent: true },
] as const;

export type RateName = (typeof RATE_FIELDS)[number]["name"];

/** Currencies offered first; a card being edited keeps its own even when not listed. */
export const COMMON_CURRENCIES: CurrencyCode[] = ["USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SEK", "JPY"];

/** One warehouse's storage prices as typed, overriding the card's own storage prices. */
export type StorageRateDraft = { warehouseId: string; perUnitDay: string; perCubicMetreDay: string };

/** The storage prices a warehouse row may set, in the order the form shows them. */
export const STORAGE_RATE_PARTS = [
  { name: "perUnitDay", label: "Per unit a day" },
  { name: "perCubicMetreDay", label: "Per m³ a day" },
] as const;

/** What the form holds, as typed: prices are text, empty meaning "not billed". */
export type RateCardForm = {
  clientId: string;
  effectiveFrom: string;
  currency: CurrencyCode;
  note: string;
  rates: Record<RateName, string>;
  storageRates: StorageRateDraft[];
};

/** A card as listed (the fields the form copies). */
export type ListedCard = {
  currency: CurrencyCode;
  client?: { id: string } | null;
  storageRates: readonly {
    warehouseId: string;
    perUnitDay?: string | null;
    perCubicMetreDay?: string | null;
  }[];
} & Partial<Record<RateName, string | null>>;

const PRICE = /^\d+(\.\d+)?$/;

/** `datetime-local` text for a moment, in the browser's own zone. */
export function localInputTime(moment: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return (
    `${moment.getFullYear()}-${pad(moment.getMonth() + 1)}-${pad(moment.getDate())}` +
    `T${pad(moment.getHours())}:${pad(moment.getMinutes())}`
  );
}

function noRates(): Record<RateName, string> {
  return Object.fromEntries(RATE_FIELDS.map((f) => [f.name, ""])) as Record<RateName, string>;
}

/** An empty form taking effect at `now`. */
export function emptyForm(now: Date, currency: CurrencyCode = "USD"): RateCardForm {
  return { clientId: "", effectiveFrom: localInputTime(now), currency, note: "", rates: noRates(), storageRates: [] };
}

/** The next version of `card`: its client, currency, prices and warehouse storage rates,
 * taking effect at `now` (a version never changes: editing makes the next one). */
export function formFromCard(card: ListedCard, now: Date): RateCardForm {
  const rates = noRates();
  for (const field of RATE_FIELDS) rates[field.name] = card[field.name] ?? "";
  return {
    clientId: card.client?.id ?? "",
    effectiveFrom: localInputTime(now),
    currency: card.currency,
    note: "",
    rates,
    storageRates: card.storageRates.map((r) => ({
      warehouseId: r.warehouseId,
      perUnitDay: r.perUnitDay ?? "",
      perCubicMetreDay: r.perCubicMetreDay ?? "",
    })),
  };
}

const NOT_A_PRICE = "A number of 0 or more, like 1.25; empty: not billed.";

/** Problems the form can see before sending, by field (a price that is not a number, a
 * warehouse row with no warehouse), keyed as the server's userErrors are. */
export function formProblems(form: RateCardForm): Record<string, string> {
  const found: Record<string, string> = {};
  for (const field of RATE_FIELDS) {
    const text = form.rates[field.name].trim();
    if (text && !PRICE.test(text)) found[field.name] = NOT_A_PRICE;
  }
  form.storageRates.forEach((row, index) => {
    if (!row.warehouseId) found[`storageRates.${index}.warehouseId`] = "Choose a warehouse.";
    for (const part of STORAGE_RATE_PARTS) {
      const text = row[part.name].trim();
      if (text && !PRICE.test(text)) found[`storageRates.${index}.${part.name}`] = NOT_A_PRICE;
    }
  });
  if (!form.effectiveFrom || Number.isNaN(new Date(form.effectiveFrom).getTime()))
    found.effectiveFrom = "Give a date and time.";
  return found;
}

/** The mutation's input: empty prices left out (not billed), the time as UTC ISO. */
export function rateCardInput(form: RateCardForm): CreateRateCardInput {
  const input: CreateRateCardInput = {
    clientId: form.clientId || null,
    effectiveFrom: new Date(form.effectiveFrom).toISOString(),
    currency: form.currency,
    note: form.note.trim() || null,
    storageRates: form.storageRates.map((row) => ({
      warehouseId: row.warehouseId,
      perUnitDay: row.perUnitDay.trim() || null,
      perCubicMetreDay: row.perCubicMetreDay.trim() || null,
    })),
  };
  for (const field of RATE_FIELDS) {
    const text = form.rates[field.name].trim();
    input[field.name] = text || null;
  }
  return input;
}
