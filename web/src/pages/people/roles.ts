import type { KeyKind, UserRole } from "../../gql/graphql";

const PROVIDER_ROLES: UserRole[] = ["PROVIDER_ADMIN", "WAREHOUSE_OPERATOR", "BILLING"];
const CLIENT_ROLES: UserRole[] = ["CLIENT_ADMIN", "CLIENT_VIEWER"];

/** The roles a person signed in for a provider or a client may hand out. */
export function invitableRoles(kind: KeyKind): UserRole[] {
  if (kind === "PROVIDER") return [...PROVIDER_ROLES, ...CLIENT_ROLES, "SUPPLIER"];
  if (kind === "CLIENT") return CLIENT_ROLES;
  return [];
}

/** Which owner a role's invitation must name: a client, a supplier, or none. */
export function ownerOf(role: UserRole): "client" | "supplier" | null {
  if (CLIENT_ROLES.includes(role)) return "client";
  return role === "SUPPLIER" ? "supplier" : null;
}

/** The roles a person holding `role` may be moved to by this viewer: same kind, grantable. */
export function rolesLike(role: UserRole, kind: KeyKind): UserRole[] {
  const family = PROVIDER_ROLES.includes(role)
    ? PROVIDER_ROLES
    : CLIENT_ROLES.includes(role)
      ? CLIENT_ROLES
      : [role];
  const grantable = invitableRoles(kind);
  return family.filter((r) => grantable.includes(r));
}
