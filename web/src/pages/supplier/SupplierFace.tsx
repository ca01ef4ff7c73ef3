import { match, usePath } from "../../router";
import { Shell } from "../../ui/Shell";
import { SupplierStock } from "./SupplierStock";
import { SupplierWork } from "./SupplierWork";

const NAV = [
  { href: "/", label: "Requests" },
  { href: "/stock", label: "Stock" },
];

/** The supplier portal: the work routed to the supplier, and the stock it reports. */
export function SupplierFace() {
  const path = usePath();
  return (
    <Shell title="Supplier" nav={NAV}>
      {match("/stock", path) ? <SupplierStock /> : <SupplierWork />}
    </Shell>
  );
}
