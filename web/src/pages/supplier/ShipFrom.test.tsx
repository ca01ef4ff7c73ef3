import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { ShipFrom } from "./ShipFrom";

const none = { SupplierShipFrom: { viewer: { supplier: { id: "s", name: "Trail Gear Co", shipFrom: null } } } };

function fill(label: string, value: string) {
  fireEvent.input(screen.getByLabelText(label), { target: { value } });
}

describe("the supplier's ship-from address", () => {
  it("sends the address typed, blanks as null and the country in capitals", async () => {
    const saved = {
      setSupplierShipFrom: {
        userErrors: [],
        supplier: {
          id: "s",
          shipFrom: {
            name: "Trail Gear Co", company: null, line1: "1 Depot Way", line2: null, city: "Denver",
            region: "CO", postalCode: "80202", country: "US", phone: null, email: null,
          },
        },
      },
    };
    const { sent } = renderSignedIn(<ShipFrom />, none, { SetSupplierShipFrom: saved });
    expect(screen.getByText("No ship-from address yet: set one before buying labels.")).toBeTruthy();
    fill("Address line 1", " 1 Depot Way ");
    fill("City", "Denver");
    fill("Region", "CO");
    fill("Postal code", "80202");
    fill("Country (2 letters)", "us");
    fireEvent.click(screen.getByRole("button", { name: "Save address" }));

    await waitFor(() => expect(screen.getByRole("status").textContent).toContain("1 Depot Way"));
    expect(sent).toHaveBeenCalledWith("SetSupplierShipFrom", {
      address: {
        name: null, company: null, line1: "1 Depot Way", line2: null, city: "Denver",
        region: "CO", postalCode: "80202", country: "US", phone: null, email: null,
      },
    });
  });

  it("shows each refusal beside the field it names, and one naming no field above the form", async () => {
    const refused = {
      setSupplierShipFrom: {
        userErrors: [
          { field: ["input", "address", "country"], code: "INVALID", message: "Not a country code." },
          { field: ["input", "supplierId"], code: "NOT_FOUND", message: "No such supplier." },
        ],
        supplier: null,
      },
    };
    renderSignedIn(<ShipFrom />, none, { SetSupplierShipFrom: refused });
    fill("Country (2 letters)", "Atlantis");
    fireEvent.click(screen.getByRole("button", { name: "Save address" }));

    const country = screen.getByLabelText("Country (2 letters)");
    await waitFor(() => expect(country.getAttribute("aria-describedby")).toBe("address-country-error"));
    expect(document.getElementById("address-country-error")?.textContent).toBe("Not a country code.");
    expect(screen.getByText("No such supplier.")).toBeTruthy();
    expect(screen.queryByRole("status")).toBeNull();
  });
});
