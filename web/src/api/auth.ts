/** The sign-in endpoints (the only non-GraphQL calls the app makes). */

export type SignedInUser = {
  id: string;
  name: string;
  email: string;
  tenantKind: string;
  role: string;
};

export type SignInResult =
  | { ok: true; user: SignedInUser }
  | { ok: false; code: string; message: string; field?: string; retryAfter?: number };

async function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function answer(response: Response): Promise<SignInResult> {
  let data: any = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (response.ok && data?.user) return { ok: true, user: data.user };
  const error = data?.error ?? {};
  return {
    ok: false,
    code: error.code ?? `HTTP_${response.status}`,
    message: error.message ?? `The server answered ${response.status}.`,
    field: error.field ?? undefined,
    retryAfter: error.retryAfter,
  };
}

export async function signIn(email: string, password: string): Promise<SignInResult> {
  return answer(await postJson("/auth/sign-in", { email, password }));
}

export async function acceptInvitation(
  token: string,
  name: string,
  password: string,
): Promise<SignInResult> {
  return answer(await postJson("/auth/accept-invitation", { token, name, password }));
}

export async function signOut(): Promise<void> {
  await fetch("/auth/sign-out", { method: "POST", credentials: "same-origin" });
}
