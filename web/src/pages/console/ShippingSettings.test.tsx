import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { ShippingSettings } from "./ShippingSettings";
import { formOf, settingsInput } from "./shippingSettings";

const viewer = (scopes: ("ORDERS_READ" | "ORDERS_WRITE")[]) => ({
  viewer: {
    kind: "PROVIDER" as const,
    scopes,
    keyPrefix: null,
    user: { id: "U1", name: "Olivia Ortega", role: "PROVIDER_ADMIN" as const },
    provider: { id: "p", name: "Northwind Fulfilment" },
    client: null,
    supplier: null,
  },
});
const operator = viewer(["ORDERS_READ", "ORDERS_WRITE"]);
const depot = {
  name: "ACME depot",
  company: null,
  line1: "2 Dock Rd",
  line2: null,
  city: "Leeds",
  region: null,
  postalCode: "LS1 4AP",
  country: "GB",
  phone: null,
  email: null,
};
const stored = {
  rule: "CHEAPEST",
  automaticDispatch: false,
  currency: "USD",
  labelFormat: "ZPL",
  shipFrom: null,
  client: { code: "ACME", name: "ACME Outdoor" },
};
const queries = {
  InviteTargets: {
    clients: { edges: [{ node: { id: "C1", code: "ACME", name: "ACME Outdoor" } }] },
    suppliers: { edges: [] },
  },
  ShippingSettings: { shippingSettings: stored },
};

function chooseAcme() {
  fireEvent.change(screen.getByLabelText("Client"), { target: { value: "C1" } });
}

describe("shipping settings", () => {
  it("sends every setting, and either the typed ship-from or the warehouse's address", () => {
    const form = formOf({ ...stored, shipFrom: depot } as Parameters<typeof formOf>[0]);
    expect(form.fromWarehouse).toBe(false);
    expect(settingsInput("C1", { ...form, shipFrom: { ...form.shipFrom, country: " gb " } })).toEqual({
      clientId: "C1",
      rule: "CHEAPEST",
      automaticDispatch: false,
      currency: "USD",
      labelFormat: "ZPL",
      shipFrom: { ...depot, country: "GB" },
    });
    expect(settingsInput("C1", { ...form, fromWarehouse: true })).toEqual({
      clientId: "C1",
      rule: "CHEAPEST",
      automaticDispatch: false,
      currency: "USD",
      labelFormat: "ZPL",
      useWarehouseAddress: true,
    });
  });

  it("shows a client's settings once it is chosen", async () => {
    const { sent } = renderSignedIn(<ShippingSettings />, queries, {}, operator);
    expect(screen.getByText("Choose a client to see its shipping settings.")).toBeTruthy();
    chooseAcme();
    await waitFor(() => expect(screen.getByRole("heading", { name: "ACME · ACME Outdoor" })).toBeTruthy());
    expect(sent).toHaveBeenCalledWith("ShippingSettings", { clientId: "C1" });
    expect((screen.getByLabelText("Rating rule") as HTMLSelectElement).value).toBe("CHEAPEST");
    expect((screen.getByLabelText("Label format") as HTMLSelectElement).value).toBe("ZPL");
    expect((screen.getByLabelText("Automatic dispatch") as HTMLInputElement).checked).toBe(false);
    expect((screen.getByLabelText("Ship from each warehouse's address") as HTMLInputElement).checked).toBe(true);
  });

  it("shows a refusal beside the address part it names and keeps what was typed", async () => {
    const { sent } = renderSignedIn(
      <ShippingSettings />,
      queries,
      {
        SetShippingSettings: {
          setShippingSettings: {
            shippingSettings: null,
            userErrors: [
              {
                field: ["input", "shipFrom", "country"],
                code: "INVALID",
                message: "country must be a two-letter ISO 3166-1 code, e.g. DE.",
              },
            ],
          },
        },
      },
      operator,
    );
    chooseAcme();
    await waitFor(() => screen.getByLabelText("Rating rule"));
    fireEvent.change(screen.getByLabelText("Rating rule"), { target: { value: "FASTEST" } });
    fireEvent.click(screen.getByLabelText("Ship from each warehouse's address"));
    for (const [label, value] of [
      ["Name", "ACME depot"],
      ["Address line 1", "2 Dock Rd"],
      ["City", "Leeds"],
      ["Postal code", "LS1 4AP"],
      ["Country (2 letters)", "England"],
    ]) {
      fireEvent.input(screen.getByLabelText(label), { target: { value } });
    }
    fireEvent.click(screen.getByRole("button", { name: "Save settings" }));

    await waitFor(() =>
      expect(document.getElementById("shipFrom-country-error")?.textContent).toBe(
        "country must be a two-letter ISO 3166-1 code, e.g. DE.",
      ),
    );
    expect(sent).toHaveBeenCalledWith("SetShippingSettings", {
      input: expect.objectContaining({
        clientId: "C1",
        rule: "FASTEST",
        shipFrom: expect.objectContaining({ city: "Leeds", country: "ENGLAND" }),
      }),
    });
    expect((screen.getByLabelText("Country (2 letters)") as HTMLInputElement).value).toBe("England");
    expect(screen.queryByRole("status")).toBeNull();
  });

  it("says what was saved and shows the stored settings", async () => {
    const { sent } = renderSignedIn(
      <ShippingSettings />,
      queries,
      {
        SetShippingSettings: {
          setShippingSettings: {
            shippingSettings: { ...stored, automaticDispatch: true, labelFormat: "PDF" },
            userErrors: [],
          },
        },
      },
      operator,
    );
    chooseAcme();
    await waitFor(() => screen.getByLabelText("Automatic dispatch"));
    fireEvent.click(screen.getByLabelText("Automatic dispatch"));
    fireEvent.change(screen.getByLabelText("Label format"), { target: { value: "PDF" } });
    fireEvent.click(screen.getByRole("button", { name: "Save settings" }));

    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Saved: ACME's shipping settings."));
    expect(sent).toHaveBeenCalledWith("SetShippingSettings", {
      input: {
        clientId: "C1",
        rule: "CHEAPEST",
        automaticDispatch: true,
        currency: "USD",
        labelFormat: "PDF",
        useWarehouseAddress: true,
      },
    });
    expect((screen.getByLabelText("Label format") as HTMLSelectElement).value).toBe("PDF");
  });

  it("shows the settings without a way to change them to staff who may not write orders", async () => {
    renderSignedIn(<ShippingSettings />, queries, {}, viewer(["ORDERS_READ"]));
    chooseAcme();
    await waitFor(() => screen.getByLabelText("Rating rule"));
    expect(screen.queryByRole("button", { name: "Save settings" })).toBeNull();
    expect(screen.getByLabelText("Rating rule").matches(":disabled")).toBe(true);
  });
});
