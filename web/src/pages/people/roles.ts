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
