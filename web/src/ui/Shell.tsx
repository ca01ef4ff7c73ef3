import type { ComponentChildren } from "preact";
import { Link, usePath } from "../router";
import { useSession } from "../session";

export type NavItem = { href: string; label: string };

/** Header with the face's navigation, who is signed in, GraphiQL and sign-out. */
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
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>{children}</main>
    </div>
  );
}
