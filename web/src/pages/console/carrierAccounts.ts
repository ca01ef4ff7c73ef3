import type { CarrierKind, CreateCarrierAccountInput } from "../../gql/graphql";

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
