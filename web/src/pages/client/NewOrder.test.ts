import { describe, expect, it } from "vitest";
import { searchProducts } from "./NewOrder";

describe("SKU search", () => {
  const products = [
    { sku: "TENT-2P", name: "Two-person tent" },
    { sku: "STOVE-1", name: "Camp stove" },
    { sku: "LAMP-LED", name: "LED lantern" },
  ];

  it("finds products by SKU or name, ignoring case", () => {
    expect(searchProducts(products, "tent").map((p) => p.sku)).toEqual(["TENT-2P"]);
    expect(searchProducts(products, "led").map((p) => p.sku)).toEqual(["LAMP-LED"]);
    expect(searchProducts(products, "", 2)).toHaveLength(2);
  });
});
