import type { ApiScope } from "../gql/graphql";
import type { NavItem } from "./Shell";

/** A face's link, with the scope a person's role needs for the page it opens. */
export type ScopedNavItem = NavItem & { scope: ApiScope };

/** The links a person whose role grants `scopes` may follow (a link to a page that would
 * only answer MISSING_SCOPE is left out). */
export function allowedNav(items: readonly ScopedNavItem[], scopes: readonly ApiScope[]): NavItem[] {
  return items.filter((item) => scopes.includes(item.scope)).map(({ href, label }) => ({ href, label }));
}
