import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { RateCards } from "./RateCards";
import { emptyForm, formFromCard, formProblems, localInputTime, rateCardInput } from "./rateCards";

const NOW = new Date(2026, 11, 1, 9, 30);
const card = {
  id: "R1",
  version: 2,
  effectiveFrom: "2026-11-01T00:00:00Z",
  currency: "EUR" as const,
  receivingPerUnit: "0.25",
  receivingPerReceipt: null,
  receivingPerAsn: null,
  storagePerUnitDay: "0.02",
  storagePerCubicMetreDay: null,
  pickPerOrder: "1.50",
  pickPerAdditionalUnit: "0.30",
  packagingPerOrder: null,
  shippingMarkupPercent: "10",
  shippingFlatFee: null,
  dropShipPerOrder: null,
  dropShipPerUnit: null,
  monthlyMinimum: "250.00",
  taxRatePercent: null,
  note: "autumn",
  createdAt: "2026-10-20T08:00:00Z",
  client: { id: "C1", code: "ACME" },
  storageRates: [{ warehouseId: "W1", perUnitDay: "0.01", perCubicMetreDay: null }],
};
const queries = {
  InviteTargets: {
    clients: { edges: [{ node: { id: "C1", code: "ACME", name: "ACME Outdoor" } }] },
    suppliers: { edges: [] },
  },
  RateCards: { rateCards: { edges: [{ node: card }], pageInfo: { hasNextPage: false, endCursor: null } } },
  RateCardWarehouses: {
    warehouses: {
      edges: [
        { node: { id: "W1", code: "BER1", name: "Berlin" } },
        { node: { id: "W2", code: "PAR1", name: "Paris" } },
      ],
    },
  },
};

describe("rate cards", () => {
  it("copies a card into its next version, storage overrides included, from now on", () => {
    const form = formFromCard(card, NOW);
    expect(form.clientId).toBe("C1");
    expect(form.currency).toBe("EUR");
    expect(form.effectiveFrom).toBe("2026-12-01T09:30");
    expect(form.rates.pickPerOrder).toBe("1.50");
    expect(form.rates.packagingPerOrder).toBe("");
    const input = rateCardInput(form);
    expect(input.pickPerOrder).toBe("1.50");
    expect(input.packagingPerOrder).toBeNull();
    expect(input.storageRates).toEqual([{ warehouseId: "W1", perUnitDay: "0.01", perCubicMetreDay: null }]);
    expect(input.effectiveFrom).toBe(NOW.toISOString());
    expect(input.clientId).toBe("C1");
  });

  it("leaves out the client for the provider default, and finds prices that are not numbers", () => {
    const form = emptyForm(NOW);
    expect(rateCardInput(form).clientId).toBeNull();
    expect(localInputTime(NOW)).toBe("2026-12-01T09:30");
    const bad = { ...form, rates: { ...form.rates, pickPerOrder: "1,50", shippingFlatFee: "-1", taxRatePercent: " 7.5 " } };
    expect(Object.keys(formProblems(bad)).sort()).toEqual(["pickPerOrder", "shippingFlatFee"]);
    expect(formProblems({ ...form, effectiveFrom: "" })).toHaveProperty("effectiveFrom");
  });

  it("lists prices with their currency and saves an edited card as its next version", async () => {
    const { sent } = renderSignedIn(<RateCards />, queries, {
      CreateRateCard: { createRateCard: { rateCard: { id: "R2", version: 3 }, userErrors: [] } },
    });
    const table = screen.getByRole("table", { name: "Rate cards" });
    expect(table.textContent).toContain("€1.50");
    expect(table.textContent).toContain("10 %");
    fireEvent.click(screen.getByRole("button", { name: "Edit ACME version 2" }));
    expect(screen.getByRole("heading", { name: "Next version of ACME v2" })).toBeTruthy();
    fireEvent.input(screen.getByLabelText("Pick, per order (EUR)"), { target: { value: "1.75" } });
    fireEvent.click(screen.getByRole("button", { name: "Save version" }));

    await waitFor(() => expect(screen.getByText("Version 3 saved.")).toBeTruthy());
    const [, variables] = sent.mock.calls.find(([name]) => name === "CreateRateCard")!;
    expect(variables.input).toMatchObject({ clientId: "C1", currency: "EUR", pickPerOrder: "1.75", monthlyMinimum: "250.00" });
  });

  it("shows the server's refusal next to its field, and a malformed price before sending", async () => {
    const { sent } = renderSignedIn(<RateCards />, queries, {
      CreateRateCard: {
        createRateCard: {
          rateCard: null,
          userErrors: [
            { field: ["input", "effectiveFrom"], code: "INVALID", message: "A new version must take effect after the latest one." },
          ],
        },
      },
    });
    fireEvent.input(screen.getByLabelText("Pick, per order (USD)"), { target: { value: "abc" } });
    fireEvent.click(screen.getByRole("button", { name: "Save version" }));
    await waitFor(() => expect(document.getElementById("card-pickPerOrder-error")).toBeTruthy());
    expect(sent.mock.calls.some(([name]) => name === "CreateRateCard")).toBe(false);

    fireEvent.input(screen.getByLabelText("Pick, per order (USD)"), { target: { value: "2" } });
    fireEvent.click(screen.getByRole("button", { name: "Save version" }));
    await waitFor(() =>
      expect(document.getElementById("card-effective-from-error")?.textContent).toBe(
        "A new version must take effect after the latest one.",
      ),
    );
  });

  it("finds a warehouse row with no warehouse or a price that is not a number, by its row", () => {
    const form = emptyForm(NOW);
    const rows = [
      { warehouseId: "W1", perUnitDay: "0.01", perCubicMetreDay: "" },
      { warehouseId: "", perUnitDay: "", perCubicMetreDay: "1,2" },
    ];
    expect(Object.keys(formProblems({ ...form, storageRates: rows })).sort()).toEqual([
      "storageRates.1.perCubicMetreDay",
      "storageRates.1.warehouseId",
    ]);
    expect(rateCardInput({ ...form, storageRates: rows.slice(0, 1) }).storageRates).toEqual([
      { warehouseId: "W1", perUnitDay: "0.01", perCubicMetreDay: null },
    ]);
  });

  it("edits a warehouse's storage rates in the next version, a refusal beside its row's box", async () => {
    const { sent } = renderSignedIn(<RateCards />, queries, {
      CreateRateCard: {
        createRateCard: {
          rateCard: null,
          userErrors: [
            { field: ["input", "storageRates", "1", "perUnitDay"], code: "INVALID", message: "Rates cannot be negative." },
          ],
        },
      },
    });
    fireEvent.click(screen.getByRole("button", { name: "Edit ACME version 2" }));
    // the carried-over row is shown, and changed
    await waitFor(() => expect((screen.getByLabelText("Warehouse", { selector: "#card-storage-0-warehouse" }) as HTMLSelectElement).value).toBe("W1"));
    fireEvent.input(screen.getByLabelText("Per unit a day (EUR)", { selector: "#card-storage-0-perUnitDay" }), { target: { value: "0.015" } });
    // a second warehouse is added
    fireEvent.click(screen.getByRole("button", { name: "Add a warehouse storage rate" }));
    fireEvent.change(screen.getByLabelText("Warehouse", { selector: "#card-storage-1-warehouse" }), { target: { value: "W2" } });
    fireEvent.input(screen.getByLabelText("Per m³ a day (EUR)", { selector: "#card-storage-1-perCubicMetreDay" }), { target: { value: "2.5" } });
    fireEvent.click(screen.getByRole("button", { name: "Save version" }));

    await waitFor(() =>
      expect(document.getElementById("card-storage-1-perUnitDay-error")?.textContent).toBe("Rates cannot be negative."),
    );
    const [, variables] = sent.mock.calls.find(([name]) => name === "CreateRateCard")!;
    expect(variables.input.storageRates).toEqual([
      { warehouseId: "W1", perUnitDay: "0.015", perCubicMetreDay: null },
      { warehouseId: "W2", perUnitDay: null, perCubicMetreDay: "2.5" },
    ]);
    expect(screen.queryByText(/saved/)).toBeNull();
  });

  it("removes a warehouse's storage rate from the next version", async () => {
    const { sent } = renderSignedIn(<RateCards />, queries, {
      CreateRateCard: { createRateCard: { rateCard: { id: "R2", version: 3 }, userErrors: [] } },
    });
    fireEvent.click(screen.getByRole("button", { name: "Edit ACME version 2" }));
    await waitFor(() => screen.getByRole("button", { name: "Remove storage rate of BER1" }));
    fireEvent.click(screen.getByRole("button", { name: "Remove storage rate of BER1" }));
    fireEvent.click(screen.getByRole("button", { name: "Save version" }));

    await waitFor(() => expect(screen.getByText("Version 3 saved.")).toBeTruthy());
    const [, variables] = sent.mock.calls.find(([name]) => name === "CreateRateCard")!;
    expect(variables.input.storageRates).toEqual([]);
  });
});
