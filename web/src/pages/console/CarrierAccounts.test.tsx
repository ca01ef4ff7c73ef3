import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { CarrierAccounts } from "./CarrierAccounts";
import { EMPTY_ACCOUNT, createAccountInput, updateAccountInput } from "./carrierAccounts";

const staff = {
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
const queries = {
  InviteTargets: {
    clients: { edges: [{ node: { id: "C1", code: "ACME", name: "ACME Outdoor" } }] },
    suppliers: { edges: [] },
  },
  CarrierAccounts: {
    carrierAccounts: {
      edges: [
        {
          node: {
            id: "CA1",
            kind: "RATE_TABLE",
            name: "rates",
            enabled: true,
            baseUrl: null,
            hasApiKey: false,
            webhookPath: null,
            createdAt: "2026-12-01T10:00:00Z",
            client: { code: "ACME" },
          },
        },
      ],
      pageInfo: { hasNextPage: false, endCursor: null },
    },
  },
};

describe("carrier accounts", () => {
  it("sends a URL and an API key only for an aggregator", () => {
    const typed = { ...EMPTY_ACCOUNT, clientId: "C1", name: " parcels ", baseUrl: "https://a.example", apiKey: "k" };
    expect(createAccountInput(typed)).toEqual({
      clientId: "C1",
      kind: "RATE_TABLE",
      name: "parcels",
      enabled: true,
      baseUrl: null,
      apiKey: null,
    });
    expect(createAccountInput({ ...typed, kind: "AGGREGATOR" })).toMatchObject({
      baseUrl: "https://a.example",
      apiKey: "k",
    });
    expect(createAccountInput({ ...typed, kind: "AGGREGATOR", baseUrl: "  " }).baseUrl).toBeNull();
  });

  it("creates an aggregator account and shows its webhook secret once", async () => {
    const { sent } = renderSignedIn(
      <CarrierAccounts />,
      queries,
      {
        CreateCarrierAccount: {
          createCarrierAccount: {
            carrierAccount: { id: "CA2", name: "agg" },
            webhookSecret: "whsec-123",
            userErrors: [],
          },
        },
      },
      staff,
    );
    fireEvent.change(screen.getByLabelText("Client"), { target: { value: "C1" } });
    fireEvent.change(screen.getByLabelText("Kind"), { target: { value: "AGGREGATOR" } });
    fireEvent.input(screen.getByLabelText("Name"), { target: { value: "agg" } });
    fireEvent.input(screen.getByLabelText("Base URL"), { target: { value: "https://agg.example" } });
    fireEvent.input(screen.getByLabelText("API key"), { target: { value: "s3cret" } });
    fireEvent.click(screen.getByRole("button", { name: "Add account" }));

    await waitFor(() =>
      expect((screen.getByLabelText("Tracking webhook secret") as HTMLInputElement).value).toBe("whsec-123"),
    );
    expect(sent).toHaveBeenCalledWith("CreateCarrierAccount", {
      input: {
        clientId: "C1",
        kind: "AGGREGATOR",
        name: "agg",
        enabled: true,
        baseUrl: "https://agg.example",
        apiKey: "s3cret",
      },
    });
    // the typed key is gone from the form
    expect((screen.getByLabelText("API key") as HTMLInputElement).value).toBe("");
  });

  it("shows a refusal next to its field and keeps what was typed", async () => {
    renderSignedIn(
      <CarrierAccounts />,
      queries,
      {
        CreateCarrierAccount: {
          createCarrierAccount: {
            carrierAccount: null,
            webhookSecret: null,
            userErrors: [{ field: ["input", "name"], code: "DUPLICATE", message: "Name taken." }],
          },
        },
      },
      staff,
    );
    fireEvent.change(screen.getByLabelText("Client"), { target: { value: "C1" } });
    fireEvent.input(screen.getByLabelText("Name"), { target: { value: "rates" } });
    fireEvent.click(screen.getByRole("button", { name: "Add account" }));

    await waitFor(() => expect(document.getElementById("carrier-name-error")?.textContent).toBe("Name taken."));
    expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("rates");
    expect(screen.queryByLabelText("Tracking webhook secret")).toBeNull();
  });

  it("changes only what differs, and a key only when a new one is typed", () => {
    const account = { id: "CA9", kind: "AGGREGATOR" as const, name: "agg", baseUrl: "https://a.example" };
    expect(updateAccountInput(account, { name: "agg", baseUrl: "https://a.example", apiKey: "" })).toEqual({ id: "CA9" });
    expect(updateAccountInput(account, { name: " agg2 ", baseUrl: "https://b.example", apiKey: "new" })).toEqual({
      id: "CA9",
      name: "agg2",
      baseUrl: "https://b.example",
      apiKey: "new",
    });
    const table = { id: "CA1", kind: "RATE_TABLE" as const, name: "rates", baseUrl: null };
    expect(updateAccountInput(table, { name: "rates", baseUrl: "x", apiKey: "y" })).toEqual({ id: "CA1" });
  });

  it("renames an account from its row and shows a refusal beside the name", async () => {
    const { sent } = renderSignedIn(
      <CarrierAccounts />,
      queries,
      {
        UpdateCarrierAccount: {
          updateCarrierAccount: {
            carrierAccount: null,
            userErrors: [{ field: ["input", "name"], code: "DUPLICATE", message: "Name taken." }],
          },
        },
      },
      staff,
    );
    fireEvent.click(screen.getByRole("button", { name: "Change ACME rates" }));
    const name = screen.getByLabelText("Name", { selector: "#change-carrier-name" });
    fireEvent.input(name, { target: { value: "parcels" } });
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await waitFor(() =>
      expect(document.getElementById("change-carrier-name-error")?.textContent).toBe("Name taken."),
    );
    expect(sent).toHaveBeenCalledWith("UpdateCarrierAccount", { input: { id: "CA1", name: "parcels" } });
  });

  it("disables an enabled account", async () => {
    const { sent } = renderSignedIn(
      <CarrierAccounts />,
      queries,
      {
        SetCarrierAccountEnabled: {
          updateCarrierAccount: { carrierAccount: { id: "CA1", enabled: false }, userErrors: [] },
        },
      },
      staff,
    );
    fireEvent.click(screen.getByRole("button", { name: "Disable ACME rates" }));
    await waitFor(() => expect(sent).toHaveBeenCalledWith("SetCarrierAccountEnabled", { id: "CA1", enabled: false }));
  });
});
