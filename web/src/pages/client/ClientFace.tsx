import { match, usePath } from "../../router";
import { Shell } from "../../ui/Shell";
import { OrderDetail } from "../console/OrderDetail";
import { Webhooks } from "../integrations/Webhooks";
import { ApiKeys } from "../people/ApiKeys";
import { People } from "../people/People";
import { Inbound } from "../shared/Inbound";
import { Invoices } from "../shared/Invoices";
import { Stock } from "../shared/Stock";
import { ClientOrders } from "./ClientOrders";
import { ImportOrders } from "./ImportOrders";
import { NewOrder } from "./NewOrder";

const NAV = [
  { href: "/", label: "Orders" },
  { href: "/orders/new", label: "New order" },
  { href: "/import", label: "Import CSV" },
  { href: "/stock", label: "Stock" },
  { href: "/invoices", label: "Invoices" },
  { href: "/people", label: "People" },
  { href: "/inbound", label: "Inbound" },
  { href: "/keys", label: "API keys" },
  { href: "/webhooks", label: "Webhooks" },
];

/** The client portal for a merchant's people. */
export function ClientFace() {
  const path = usePath();
  const order = match("/orders/:id", path);
  let page;
  if (match("/orders/new", path)) page = <NewOrder />;
  else if (order) page = <OrderDetail id={order.id} readOnly />;
  else if (match("/import", path)) page = <ImportOrders />;
  else if (match("/stock", path)) page = <Stock />;
  else if (match("/invoices", path)) page = <Invoices />;
  else if (match("/people", path)) page = <People />;
  else if (match("/keys", path)) page = <ApiKeys />;
  else if (match("/inbound", path)) page = <Inbound />;
  else if (match("/webhooks", path)) page = <Webhooks />;
  else page = <ClientOrders />;
  return (
    <Shell title="Client portal" nav={NAV}>
      {page}
    </Shell>
  );
}
