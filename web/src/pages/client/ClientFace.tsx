import { match, usePath } from "../../router";
import type { ApiScope } from "../../gql/graphql";
import { useSession } from "../../session";
import { type NavItem, Shell } from "../../ui/Shell";
import { type ScopedNavItem, allowedNav } from "../../ui/nav";
import { OrderDetail } from "../console/OrderDetail";
import { ChannelConnection } from "../channels/ChannelConnection";
import { SalesChannels } from "../channels/SalesChannels";
import { Webhooks } from "../integrations/Webhooks";
import { ApiKeys } from "../people/ApiKeys";
import { People } from "../people/People";
import { SignIns } from "../people/SignIns";
import { Inbound } from "../shared/Inbound";
import { Invoices } from "../shared/Invoices";
import { Stock } from "../shared/Stock";
import { ClientOrders } from "./ClientOrders";
import { ImportOrders } from "./ImportOrders";
import { NewOrder } from "./NewOrder";

/** The portal's pages, each shown to people whose role may use what it opens. */
const NAV: ScopedNavItem[] = [
  { href: "/", label: "Orders", scope: "ORDERS_READ" },
  { href: "/orders/new", label: "New order", scope: "ORDERS_WRITE" },
  { href: "/import", label: "Import CSV", scope: "ORDERS_WRITE" },
  { href: "/channels", label: "Sales channels", scope: "ORDERS_READ" },
  { href: "/stock", label: "Stock", scope: "INVENTORY_READ" },
  { href: "/invoices", label: "Invoices", scope: "BILLING_READ" },
  { href: "/people", label: "People", scope: "USERS_READ" },
  { href: "/sign-ins", label: "Sign-ins", scope: "AUDIT_READ" },
  { href: "/inbound", label: "Inbound", scope: "INVENTORY_READ" },
  { href: "/keys", label: "API keys", scope: "KEYS_READ" },
  { href: "/webhooks", label: "Webhooks", scope: "WEBHOOKS_READ" },
];

/** The portal's links a person whose role grants `scopes` may follow. */
export function clientNav(scopes: readonly ApiScope[]): NavItem[] {
  return allowedNav(NAV, scopes);
}

/** The client portal for a merchant's people. */
export function ClientFace() {
  const path = usePath();
  const { viewer } = useSession();
  const canAnnounce = viewer.scopes.includes("INBOUND_WRITE");
  const canChangeChannels = viewer.scopes.includes("ORDERS_WRITE");
  const order = match("/orders/:id", path);
  const channel = match("/channels/:id", path);
  let page;
  if (match("/orders/new", path)) page = <NewOrder />;
  else if (order) page = <OrderDetail id={order.id} readOnly />;
  else if (match("/import", path)) page = <ImportOrders />;
  else if (channel) page = <ChannelConnection id={channel.id} canChange={canChangeChannels} />;
  else if (match("/channels", path)) page = <SalesChannels canChange={canChangeChannels} />;
  else if (match("/stock", path)) page = <Stock />;
  else if (match("/invoices", path)) page = <Invoices />;
  else if (match("/people", path)) page = <People />;
  else if (match("/keys", path)) page = <ApiKeys />;
  else if (match("/sign-ins", path)) page = <SignIns />;
  else if (match("/inbound", path)) page = <Inbound canAnnounce={canAnnounce} />;
  else if (match("/webhooks", path)) page = <Webhooks />;
  else page = <ClientOrders />;
  return (
    <Shell title="Client portal" nav={clientNav(viewer.scopes)}>
      {page}
    </Shell>
  );
}
