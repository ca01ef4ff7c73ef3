import { match, usePath } from "../../router";
import type { ApiScope } from "../../gql/graphql";
import { useSession } from "../../session";
import { type NavItem, Shell } from "../../ui/Shell";
import { type ScopedNavItem, allowedNav } from "../../ui/nav";
import { ChannelConnection } from "../channels/ChannelConnection";
import { SalesChannels } from "../channels/SalesChannels";
import { Webhooks } from "../integrations/Webhooks";
import { ApiKeys } from "../people/ApiKeys";
import { People } from "../people/People";
import { SignIns } from "../people/SignIns";
import { Inbound } from "../shared/Inbound";
import { Invoices } from "../shared/Invoices";
import { Stock } from "../shared/Stock";
import { CarrierAccounts } from "./CarrierAccounts";
import { Clients } from "./Clients";
import { Exceptions } from "./Exceptions";
import { OrderBoard } from "./OrderBoard";
import { OrderDetail } from "./OrderDetail";
import { RateCards } from "./RateCards";
import { ShippingSettings } from "./ShippingSettings";

/** The console's pages, each shown to people whose role may read what it lists. */
const NAV: ScopedNavItem[] = [
  { href: "/", label: "Orders", scope: "ORDERS_READ" },
  { href: "/exceptions", label: "Exceptions", scope: "ORDERS_READ" },
  { href: "/inventory", label: "Inventory", scope: "INVENTORY_READ" },
  { href: "/inbound", label: "Inbound", scope: "INVENTORY_READ" },
  { href: "/invoices", label: "Invoices", scope: "BILLING_READ" },
  { href: "/rate-cards", label: "Rate cards", scope: "BILLING_READ" },
  { href: "/clients", label: "Clients", scope: "CLIENTS_READ" },
  { href: "/carriers", label: "Carriers", scope: "ORDERS_READ" },
  { href: "/shipping", label: "Shipping", scope: "ORDERS_READ" },
  { href: "/channels", label: "Sales channels", scope: "ORDERS_READ" },
  { href: "/people", label: "People", scope: "USERS_READ" },
  { href: "/sign-ins", label: "Sign-ins", scope: "AUDIT_READ" },
  { href: "/keys", label: "API keys", scope: "KEYS_READ" },
  { href: "/webhooks", label: "Webhooks", scope: "WEBHOOKS_READ" },
];

/** The console's links a person whose role grants `scopes` may follow. */
export function consoleNav(scopes: readonly ApiScope[]): NavItem[] {
  return allowedNav(NAV, scopes);
}

/** The operations console for the provider's staff. */
export function ConsoleFace() {
  const path = usePath();
  const { viewer } = useSession();
  const order = match("/orders/:id", path);
  const channel = match("/channels/:id", path);
  const canChangeChannels = viewer.scopes.includes("ORDERS_WRITE");
  let page;
  if (order) page = <OrderDetail id={order.id} />;
  else if (match("/exceptions", path)) page = <Exceptions />;
  else if (match("/inventory", path)) page = <Stock canAdjust />;
  else if (match("/invoices", path)) page = <Invoices canRun />;
  else if (match("/people", path)) page = <People />;
  else if (match("/keys", path)) page = <ApiKeys />;
  else if (match("/sign-ins", path)) page = <SignIns />;
  else if (match("/inbound", path))
    page = <Inbound canReceive canAnnounce={viewer.scopes.includes("INBOUND_WRITE")} staff />;
  else if (match("/clients", path)) page = <Clients />;
  else if (match("/carriers", path)) page = <CarrierAccounts />;
  else if (match("/shipping", path)) page = <ShippingSettings />;
  else if (channel) page = <ChannelConnection id={channel.id} staff canChange={canChangeChannels} />;
  else if (match("/channels", path)) page = <SalesChannels staff canChange={canChangeChannels} />;
  else if (match("/rate-cards", path)) page = <RateCards />;
  else if (match("/webhooks", path)) page = <Webhooks />;
  else page = <OrderBoard />;
  return (
    <Shell title="Operations" nav={consoleNav(viewer.scopes)}>
      {page}
    </Shell>
  );
}
