import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { AnnounceInbound, expectedAtOf } from "./AnnounceInbound";

const choices = {
  AnnounceChoices: {
    warehouses: { edges: [{ node: { id: "W1", code: "ATL", name: "Atlanta DC" } }] },
    products: { edges: [{ node: { id: "P1", sku: "TENT-2P", name: "Two-person tent" } }] },
  },
};

function fill(label: string, value: string) {
  fireEvent.input(screen.getByLabelText(label), { target: { value } });
}

function fillShipment(sku: string) {
  fill("Shipment reference", " ASN-7 ");
  fireEvent.change(screen.getByLabelText("Warehouse"), { target: { value: "W1" } });
  fill("Line 1 SKU", sku);
  fill("Line 1 quantity", "40");
}

describe("a client announcing an inbound shipment", () => {
  it("sends the warehouse, reference, day and the typed SKU's product", async () => {
    const announced: string[] = [];
    const created = {
      createInboundShipment: { userErrors: [], inboundShipment: { id: "I1", reference: "ASN-7" } },
    };
    const { sent } = renderSignedIn(
      <AnnounceInbound onAnnounced={(reference) => announced.push(reference)} />,
      choices,
      { AnnounceInbound: created },
    );
    await screen.findByRole("option", { name: "ATL · Atlanta DC" });
    fillShipment("TENT-2P");
    fill("Expected on (optional)", "2026-12-24");
    fireEvent.click(screen.getByRole("button", { name: "Announce shipment" }));

    await waitFor(() => expect(announced).toEqual(["ASN-7"]));
    expect(sent).toHaveBeenCalledWith("AnnounceInbound", {
      input: {
        clientId: null,
        warehouseId: "W1",
        reference: "ASN-7",
        expectedAt: expectedAtOf("2026-12-24"),
        lines: [{ productId: "P1", quantity: 40 }],
      },
    });
    expect((screen.getByLabelText("Shipment reference") as HTMLInputElement).value).toBe("");
  });

  it("names an unknown SKU beside its line and sends nothing", async () => {
    const { sent } = renderSignedIn(<AnnounceInbound onAnnounced={() => undefined} />, choices);
    await screen.findByRole("option", { name: "ATL · Atlanta DC" });
    fillShipment("NO-SUCH");
    fireEvent.click(screen.getByRole("button", { name: "Announce shipment" }));

    await waitFor(() =>
      expect(document.getElementById("inbound-line-0-sku-error")?.textContent).toBe(
        'No product with SKU "NO-SUCH".',
      ),
    );
    expect(sent).not.toHaveBeenCalledWith("AnnounceInbound", expect.anything());
  });

  it("shows the server's refusal beside the field it names", async () => {
    const refused = {
      createInboundShipment: {
        userErrors: [{ field: ["input", "reference"], code: "DUPLICATE", message: "ASN-7 is announced already." }],
        inboundShipment: null,
      },
    };
    renderSignedIn(<AnnounceInbound onAnnounced={() => undefined} />, choices, { AnnounceInbound: refused });
    await screen.findByRole("option", { name: "ATL · Atlanta DC" });
    fillShipment("TENT-2P");
    fireEvent.click(screen.getByRole("button", { name: "Announce shipment" }));

    await waitFor(() =>
      expect(document.getElementById("inbound-reference-error")?.textContent).toBe("ASN-7 is announced already."),
    );
  });

  it("reads a typed day as the start of that day where the person is", () => {
    expect(expectedAtOf("")).toBeNull();
    const start = new Date(expectedAtOf("2026-12-24") as string);
    expect([start.getFullYear(), start.getMonth(), start.getDate(), start.getHours()]).toEqual([2026, 11, 24, 0]);
  });
});

describe("staff announcing an inbound shipment for a client", () => {
  const targets = {
    InviteTargets: {
      clients: {
        edges: [
          { node: { id: "C1", code: "ACME", name: "ACME Outdoor" } },
          { node: { id: "C2", code: "BOLT", name: "Bolt Bikes" } },
        ],
      },
      suppliers: { edges: [] },
    },
  };

  it("asks for the client first, then sends it with lines of that client's products", async () => {
    const announced: string[] = [];
    const created = {
      createInboundShipment: { userErrors: [], inboundShipment: { id: "I1", reference: "ASN-7" } },
    };
    const { sent } = renderSignedIn(
      <AnnounceInbound staff onAnnounced={(reference) => announced.push(reference)} />,
      { ...choices, ...targets },
      { AnnounceInbound: created },
    );
    expect(sent).not.toHaveBeenCalledWith("AnnounceChoices", expect.anything());
    fireEvent.submit(screen.getByRole("form", { name: "Announce a shipment" }));
    await waitFor(() =>
      expect(document.getElementById("inbound-client-error")?.textContent).toBe(
        "Choose the client whose goods these are.",
      ),
    );

    await screen.findByRole("option", { name: "ACME · ACME Outdoor" });
    fireEvent.change(screen.getByLabelText("Client"), { target: { value: "C1" } });
    await screen.findByRole("option", { name: "ATL · Atlanta DC" });
    expect(sent).toHaveBeenCalledWith("AnnounceChoices", { search: null, clientId: "C1" });
    fillShipment("TENT-2P");
    fireEvent.click(screen.getByRole("button", { name: "Announce shipment" }));

    await waitFor(() => expect(announced).toEqual(["ASN-7"]));
    expect(sent).toHaveBeenCalledWith("AnnounceInbound", {
      input: {
        clientId: "C1",
        warehouseId: "W1",
        reference: "ASN-7",
        expectedAt: null,
        lines: [{ productId: "P1", quantity: 40 }],
      },
    });
  });
});
