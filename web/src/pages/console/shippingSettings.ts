import type { CurrencyCode, LabelFormat, RatingRule, SetShippingSettingsInput } from "../../gql/graphql";
import { ADDRESS_PARTS, type AddressDraft, addressInput } from "../../ui/AddressFields";

/** The rating rules, in the words the console offers them. */
export const RATING_RULES: { value: RatingRule; label: string }[] = [
  { value: "CHEAPEST", label: "Cheapest, however slow" },
  { value: "FASTEST", label: "Fastest, whatever the price" },
  { value: "CHEAPEST_WITHIN_SERVICE_LEVEL", label: "Cheapest as fast as the order's service level" },
];

export const LABEL_FORMATS: { value: LabelFormat; label: string }[] = [
  { value: "ZPL", label: "ZPL (thermal printers)" },
  { value: "PDF", label: "PDF (any printer)" },
];

/** Settings as the API shows them. */
export type ShownSettings = {
  rule: RatingRule;
  automaticDispatch: boolean;
  currency: CurrencyCode;
  labelFormat: LabelFormat;
  shipFrom?: Partial<Record<string, string | null>> | null;
};

/** What the settings form holds, as typed. */
export type SettingsForm = {
  rule: RatingRule;
  automaticDispatch: boolean;
  currency: CurrencyCode;
  labelFormat: LabelFormat;
  fromWarehouse: boolean;
  shipFrom: AddressDraft;
};

/** The form filled from stored settings: a missing ship-from means the warehouse's address. */
export function formOf(settings: ShownSettings): SettingsForm {
  const shipFrom: AddressDraft = {};
  for (const [part] of ADDRESS_PARTS) {
    const value = settings.shipFrom?.[part];
    if (typeof value === "string") shipFrom[part] = value;
  }
  return {
    rule: settings.rule,
    automaticDispatch: settings.automaticDispatch,
    currency: settings.currency,
    labelFormat: settings.labelFormat,
    fromWarehouse: !settings.shipFrom,
    shipFrom,
  };
}

/** The mutation's input: every setting as shown, and either the typed ship-from address or
 * the warehouse's (which drops a stored override). */
export function settingsInput(clientId: string, form: SettingsForm): SetShippingSettingsInput {
  const input: SetShippingSettingsInput = {
    clientId,
    rule: form.rule,
    automaticDispatch: form.automaticDispatch,
    currency: form.currency,
    labelFormat: form.labelFormat,
  };
  if (form.fromWarehouse) input.useWarehouseAddress = true;
  else input.shipFrom = addressInput(form.shipFrom);
  return input;
}
