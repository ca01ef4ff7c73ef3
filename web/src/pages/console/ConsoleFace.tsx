import { match, usePath } from "../../router";
import { Shell } from "../../ui/Shell";
import { ApiKeys } from "../people/ApiKeys";
import { People } from "../people/People";
import { Invoices } from "../shared/Invoices";
import { Stock } from "../shared/Stock";
import { OrderBoard } from "./OrderBoard";
import { OrderDetail } from "./OrderDetail";

const NAV = [
  { href: "/", label: "Orders" },
  { href: "/inventory", label: "Inventory" },
  { href: "/invoices", label: "Invoices" },
  { href: "/people", label: "People" },
  { href: "/keys", label: "API keys" },
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
  else page = <OrderBoard />;
  return (
    <Shell title="Operations" nav={NAV}>
      {page}
    </Shell>
  );
}
