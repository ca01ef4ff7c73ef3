import { cleanup, screen } from "@testing-library/preact";
import type { ComponentChildren } from "preact";
import { afterEach, describe, expect, it } from "vitest";
import { SalesChannels } from "./pages/channels/SalesChannels";
import { ImportOrders } from "./pages/client/ImportOrders";
import { ClientOrders } from "./pages/client/ClientOrders";
import { NewOrder } from "./pages/client/NewOrder";
import { CarrierAccounts } from "./pages/console/CarrierAccounts";
import { Clients } from "./pages/console/Clients";
import { Exceptions } from "./pages/console/Exceptions";
import { OrderBoard } from "./pages/console/OrderBoard";
import { RateCards } from "./pages/console/RateCards";
import { ShippingSettings } from "./pages/console/ShippingSettings";
import { Webhooks } from "./pages/integrations/Webhooks";
import { ApiKeys } from "./pages/people/ApiKeys";
import { ChangePassword } from "./pages/people/ChangePassword";
import { People } from "./pages/people/People";
import { SignIns } from "./pages/people/SignIns";
import { Inbound } from "./pages/shared/Inbound";
import { Invoices } from "./pages/shared/Invoices";
import { Stock } from "./pages/shared/Stock";
import { SignIn } from "./pages/SignIn";
import { ShipFrom } from "./pages/supplier/ShipFrom";
import { SupplierStock } from "./pages/supplier/SupplierStock";
import { SupplierWork } from "./pages/supplier/SupplierWork";
import { renderSignedIn } from "./test-client";
import { Shell } from "./ui/Shell";

// Pages are drawn as they first appear (before their data), so controls drawn per row of
// data are not covered here; their own tests name them by role and name.

/** Roles of the controls a person operates; each must have a name a screen reader says. */
const CONTROL_ROLES = ["button", "link", "textbox", "combobox", "spinbutton", "checkbox", "radio", "searchbox", "listbox"] as const;

const person = {
  viewer: {
    kind: "PROVIDER" as const,
    scopes: [],
    keyPrefix: null,
    user: { id: "U1", name: "Olivia Ortega", role: "PROVIDER_ADMIN" as const },
    provider: { id: "p", name: "Northwind Fulfilment" },
    client: null,
    supplier: null,
  },
};

/** The controls on the page with no accessible name, described for the failure message. */
function unnamedControls(): string[] {
  const unnamed: string[] = [];
  for (const role of CONTROL_ROLES) {
    const named = new Set(screen.queryAllByRole(role, { name: /\S/ }));
    for (const element of screen.queryAllByRole(role)) {
      if (!named.has(element)) unnamed.push(`${role}: ${element.outerHTML.slice(0, 120)}`);
    }
  }
  // a file box has no role; it needs a label or aria-label all the same
  for (const input of document.querySelectorAll<HTMLInputElement>("input[type=file]")) {
    if (!input.labels?.length && !input.getAttribute("aria-label")) unnamed.push(`file: ${input.outerHTML}`);
  }
  return unnamed;
}

const PAGES: [string, () => ComponentChildren][] = [
  ["order board", () => <OrderBoard />],
  ["exceptions", () => <Exceptions />],
  ["inventory (staff)", () => <Stock canAdjust />],
  ["inbound (staff)", () => <Inbound canReceive />],
  ["inbound (client)", () => <Inbound canAnnounce />],
  ["invoices (staff)", () => <Invoices canRun />],
  ["clients", () => <Clients />],
  ["carriers", () => <CarrierAccounts />],
  ["rate cards", () => <RateCards />],
  ["shipping settings", () => <ShippingSettings />],
  ["people", () => <People />],
  ["sign-ins", () => <SignIns />],
  ["API keys", () => <ApiKeys />],
  ["webhooks", () => <Webhooks />],
  ["client orders", () => <ClientOrders />],
  ["new order", () => <NewOrder />],
  ["CSV import", () => <ImportOrders />],
  ["sales channels (client)", () => <SalesChannels canChange />],
  ["sales channels (staff)", () => <SalesChannels staff canChange />],
  ["supplier work", () => <SupplierWork />],
  ["supplier stock", () => <SupplierStock />],
  ["ship-from", () => <ShipFrom />],
  ["password", () => <ChangePassword />],
];

afterEach(cleanup);

describe("every control has an accessible name", () => {
  it.each(PAGES)("on the %s page, in the shell", (_, page) => {
    renderSignedIn(
      <Shell title="Operations" nav={[{ href: "/", label: "Orders" }]}>
        {page()}
      </Shell>,
      {},
      {},
      person,
    );
    expect(screen.getAllByRole("button").length).toBeGreaterThan(0);
    expect(unnamedControls()).toEqual([]);
  });

  it("is checked: an unlabelled box, an empty button and a bare file box are found", () => {
    renderSignedIn(
      <form>
        <input id="loose" />
        <button type="button" />
        <input type="file" />
        <label for="named">Named</label>
        <input id="named" />
      </form>,
      {},
    );
    expect(unnamedControls().map((found) => found.split(":")[0])).toEqual(["button", "textbox", "file"]);
  });

  it("on the sign-in form", () => {
    renderSignedIn(<SignIn onSignedIn={() => undefined} />, {});
    expect(unnamedControls()).toEqual([]);
  });
});
