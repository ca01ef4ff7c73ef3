import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { NewOrder } from "./NewOrder";

const catalog = {
  CatalogForOrder: {
    products: { edges: [{ node: { id: "P1", sku: "TENT-2P", name: "Two-person tent" } }] },
  },
};

describe("the new-order form's SKU search", () => {
  it("asks the server for the SKUs matching what is typed, once typing settles", async () => {
    const { sent } = renderSignedIn(<NewOrder />, catalog);
    fireEvent.input(screen.getByLabelText("Line 1 SKU"), { target: { value: "ten" } });
    fireEvent.input(screen.getByLabelText("Line 1 SKU"), { target: { value: "tent" } });

    await waitFor(() => expect(sent).toHaveBeenCalledWith("CatalogForOrder", { search: "tent" }));
    expect(sent).not.toHaveBeenCalledWith("CatalogForOrder", { search: "ten" });
    const options = [...document.querySelectorAll("#sku-options option")].map((o) =>
      o.getAttribute("value"),
    );
    expect(options).toEqual(["TENT-2P"]);
  });

  it("names the product of a SKU it found", async () => {
    renderSignedIn(<NewOrder />, catalog);
    fireEvent.input(screen.getByLabelText("Line 1 SKU"), { target: { value: "TENT-2P" } });
    await waitFor(() =>
      expect(document.querySelector(".line-row .muted")?.textContent).toBe("Two-person tent"),
    );
  });
});
