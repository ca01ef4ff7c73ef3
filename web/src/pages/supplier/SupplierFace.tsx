import { match, usePath } from "../../router";
import { Shell } from "../../ui/Shell";
import { ShipFrom } from "./ShipFrom";
import { SupplierStock } from "./SupplierStock";
import { SupplierWork } from "./SupplierWork";

const NAV = [
  { href: "/", label: "Requests" },
  { href: "/stock", label: "Stock" },
  { href: "/ship-from", label: "Ship-from address" },
];

/** The supplier portal: its work, the stock it reports, where its labels ship from. */
export function SupplierFace() {
  const path = usePath();
  return (
    <Shell title="Supplier" nav={NAV}>
      {match("/stock", path) ? (
        <SupplierStock />
      ) : match("/ship-from", path) ? (
        <ShipFrom />
      ) : (
        <SupplierWork />
      )}
    </Shell>
  );
}
