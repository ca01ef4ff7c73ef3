import { useSession } from "../../session";
import { Shell } from "../../ui/Shell";

/** The supplier portal: its pages follow once drop shipping's API is on main. */
export function SupplierFace() {
  const { viewer } = useSession();
  return (
    <Shell title="Supplier" nav={[{ href: "/", label: "Home" }]}>
      <h1>{viewer.supplier?.name ?? "Supplier"}</h1>
      <p>
        Signed in as a supplier of {viewer.provider.name}. Fulfillment requests routed to you
        will be listed here once drop shipping is available.
      </p>
    </Shell>
  );
}
