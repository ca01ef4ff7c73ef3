import { match, usePath } from "../../router";
import { Shell } from "../../ui/Shell";
import { Webhooks } from "../integrations/Webhooks";
import { ApiKeys } from "../people/ApiKeys";
import { People } from "../people/People";
import { SignIns } from "../people/SignIns";
import { Inbound } from "../shared/Inbound";
import { Invoices } from "../shared/Invoices";
import { Stock } from "../shared/Stock";
import { CarrierAccounts } from "./CarrierAccounts";
import { Clients } from "./Clients";
import { OrderBoard } from "./OrderBoard";
import { OrderDetail } from "./OrderDetail";
import { RateCards } from "./RateCards";

const NAV = [
  { href: "/", label: "Orders" },
  { href: "/inventory", label: "Inventory" },
  { href: "/inbound", label: "Inbound" },
  { href: "/invoices", label: "Invoices" },
  { href: "/rate-cards", label: "Rate cards" },
  { href: "/clients", label: "Clients" },
  { href: "/carriers", label: "Carriers" },
  { href: "/people", label: "People" },
  { href: "/sign-ins", label: "Sign-ins" },
  { href: "/keys", label: "API keys" },
  { href: "/webhooks", label: "Webhooks" },
];

/** The operations console for the provider's staff. */
export function ConsoleFace() {
  const path = usePath();
  const order = match("/orders/:id", path);
  let page;
  if (order) page = <OrderDetail id={order.id} />;
  else if (match("/inventory", path)) page = <Stock canAdjust />;
  else if (match("/invoices", path)) page = <Invoices canRun />;
  else if (match("/people", path)) page = <People />;
  else if (match("/keys", path)) page = <ApiKeys />;
  else if (match("/sign-ins", path)) page = <SignIns />;
  else if (match("/inbound", path)) page = <Inbound canReceive />;
  else if (match("/clients", path)) page = <Clients />;
  else if (match("/carriers", path)) page = <CarrierAccounts />;
  else if (match("/rate-cards", path)) page = <RateCards />;
  else if (match("/webhooks", path)) page = <Webhooks />;
  else page = <OrderBoard />;
  return (
    <Shell title="Operations" nav={NAV}>
      {page}
    </Shell>
  );
}
