import { render, screen } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { Field } from "./Field";
import { byField, fieldKey } from "./fieldErrors";

describe("userErrors beside their fields", () => {
  it("keys each error by its path without the leading input", () => {
    const errors = byField([
      { field: ["input", "lines", "1", "sku"], code: "NOT_FOUND", message: "No such SKU." },
      { field: ["externalReference"], code: "REQUIRED", message: "Required." },
      { field: null, code: "FORBIDDEN", message: "Not allowed." },
    ]);
    expect(errors).toEqual({
      "lines.1.sku": "No such SKU.",
      externalReference: "Required.",
      "": "Not allowed.",
    });
    expect(fieldKey(["input"])).toBe("");
  });

  it("ties the message to its control for assistive technology", () => {
    render(
      <Field id="ref" label="Reference" error="Already used.">
        {(describedBy) => <input id="ref" aria-describedby={describedBy} />}
      </Field>,
    );
    const input = screen.getByLabelText("Reference");
    expect(input.getAttribute("aria-describedby")).toBe("ref-error");
    expect(document.getElementById("ref-error")?.textContent).toBe("Already used.");
  });
});
