import { byField, type FieldErrors, type UserErrorLike } from "./fieldErrors";

/** What urql answers for a mutation: a transport or GraphQL error, or a payload. */
export type MutationAnswer = {
  error?: { message: string } | null;
  data?: object | null;
};

function userErrorsOf(answer: MutationAnswer): readonly UserErrorLike[] {
  for (const [name, payload] of Object.entries(answer.data ?? {})) {
    if (name !== "__typename" && payload && typeof payload === "object" && "userErrors" in payload)
      return (payload.userErrors as readonly UserErrorLike[] | null) ?? [];
  }
  return [];
}

/** One sentence saying why a mutation changed nothing, or undefined when it worked. */
export function problemOf(answer: MutationAnswer): string | undefined {
  if (answer.error) return answer.error.message;
  const errors = userErrorsOf(answer);
  return errors.length ? errors.map((e) => e.message).join(" ") : undefined;
}

/** A mutation's refusals by the field they name ("" for the whole form); empty when it worked. */
export function fieldErrorsOf(answer: MutationAnswer): FieldErrors {
  if (answer.error) return { "": answer.error.message };
  return byField(userErrorsOf(answer));
}
