import { describe, expect, it } from "vitest";
import { consoleNav } from "./ConsoleFace";

const labels = (scopes: Parameters<typeof consoleNav>[0]) => consoleNav(scopes).map((item) => item.label);

describe("console navigation", () => {
  it("shows billing staff billing pages and no people, keys or sign-ins", () => {
    const billing = labels(["CLIENTS_READ", "CATALOG_READ", "INVENTORY_READ", "ORDERS_READ", "BILLING_READ", "BILLING_WRITE"]);
    expect(billing).toEqual(["Orders", "Exceptions", "Inventory", "Inbound", "Invoices", "Rate cards", "Clients", "Carriers", "Shipping", "Sales channels"]);
  });

  it("shows an admin (scopes expanded) every page, sign-ins included", () => {
    const admin = labels([
      "ADMIN", "AUDIT_READ", "BILLING_READ", "CLIENTS_READ", "INVENTORY_READ", "KEYS_READ",
      "ORDERS_READ", "USERS_READ", "WEBHOOKS_READ",
    ]);
    expect(admin).toContain("Sign-ins");
    expect(admin).toHaveLength(14);
  });
});
