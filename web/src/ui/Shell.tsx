import type { ComponentChildren } from "preact";
import { Link, usePath } from "../router";
import { ChangePassword } from "../pages/people/ChangePassword";
import { useSession } from "../session";

export type NavItem = { href: string; label: string };

/** The path of the signed-in person's own password page, the same in every face. */
export const PASSWORD_PATH = "/password";

/** Header with the face's navigation, who is signed in, GraphiQL, the person's password and
 * sign-out; the password page is the Shell's own, so every face has it. */
export function Shell({
  title,
  nav,
  children,
}: {
  title: string;
  nav: NavItem[];
  children: ComponentChildren;
}) {
  const { viewer, signOut } = useSession();
  const path = usePath().split("?")[0];
  const tenant = viewer.client?.name ?? viewer.supplier?.name ?? viewer.provider.name;
  return (
    <div class="shell">
      <header>
        <strong class="brand">Crossdock · {title}</strong>
        <nav aria-label="Main">
          {nav.map((item) => (
            <Link
              href={item.href}
              aria-current={
                path === item.href || (item.href !== "/" && path.startsWith(item.href))
                  ? "page"
                  : undefined
              }
            >
              {item.label}
            </Link>
          ))}
          <a href="/graphql" target="_blank" rel="noopener">
            GraphiQL
          </a>
        </nav>
        <span class="who">{tenant}</span>
        {viewer.user ? (
          <Link href={PASSWORD_PATH} aria-current={path === PASSWORD_PATH ? "page" : undefined}>
            Password
          </Link>
        ) : null}
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>{viewer.user && path === PASSWORD_PATH ? <ChangePassword /> : children}</main>
    </div>
  );
}
