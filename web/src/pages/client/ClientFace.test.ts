import { describe, expect, it } from "vitest";
import { clientNav } from "./ClientFace";

describe("client portal navigation", () => {
  it("shows a client viewer what it may read, and no forms that write", () => {
    const viewer = clientNav(["CATALOG_READ", "INVENTORY_READ", "ORDERS_READ", "BILLING_READ", "WEBHOOKS_READ"]);
    expect(viewer.map((item) => item.label)).toEqual(["Orders", "Sales channels", "Stock", "Invoices", "Inbound", "Webhooks"]);
  });

  it("shows a client admin its people's sign-ins", () => {
    const admin = clientNav(["ADMIN", "AUDIT_READ", "ORDERS_READ", "ORDERS_WRITE", "USERS_READ", "KEYS_READ"]);
    expect(admin.map((item) => item.label)).toContain("Sign-ins");
    expect(admin.map((item) => item.label)).toContain("New order");
    expect(admin.map((item) => item.label)).toContain("Sales channels");
  });
});
