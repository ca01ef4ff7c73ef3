import type { CarrierKind, CreateCarrierAccountInput, UpdateCarrierAccountInput } from "../../gql/graphql";

/** What the new-account form holds, as typed. */
export type CarrierAccountForm = {
  clientId: string;
  kind: CarrierKind;
  name: string;
  enabled: boolean;
  baseUrl: string;
  apiKey: string;
};

export const EMPTY_ACCOUNT: CarrierAccountForm = {
  clientId: "",
  kind: "RATE_TABLE",
  name: "",
  enabled: true,
  baseUrl: "",
  apiKey: "",
};

/** Whether the kind talks to an outside service, so it needs a URL and an API key. */
export function needsCredentials(kind: CarrierKind): boolean {
  return kind === "AGGREGATOR";
}

/** The mutation's input: names trimmed; URL and key sent only for an aggregator, and only
 * when given (the server says which is missing, next to its field). */
export function createAccountInput(form: CarrierAccountForm): CreateCarrierAccountInput {
  const aggregator = needsCredentials(form.kind);
  return {
    clientId: form.clientId,
    kind: form.kind,
    name: form.name.trim(),
    enabled: form.enabled,
    baseUrl: aggregator && form.baseUrl.trim() ? form.baseUrl.trim() : null,
    apiKey: aggregator && form.apiKey ? form.apiKey : null,
  };
}

/** An account as listed, with what the change form may edit. */
export type EditableAccount = { id: string; kind: CarrierKind; name: string; baseUrl?: string | null };

/** What the change form holds: a new API key is typed fresh, never shown. */
export type AccountEdit = { name: string; baseUrl: string; apiKey: string };

/** The update's input: only what differs from the account (an empty key keeps the stored one). */
export function updateAccountInput(account: EditableAccount, edit: AccountEdit): UpdateCarrierAccountInput {
  const input: UpdateCarrierAccountInput = { id: account.id };
  if (edit.name.trim() !== account.name) input.name = edit.name.trim();
  if (needsCredentials(account.kind)) {
    if (edit.baseUrl.trim() !== (account.baseUrl ?? "")) input.baseUrl = edit.baseUrl.trim();
    if (edit.apiKey) input.apiKey = edit.apiKey;
  }
  return input;
}
