import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { navigate } from "../../router";
import { Shell } from "../../ui/Shell";

const person = {
  viewer: {
    kind: "CLIENT" as const,
    scopes: [],
    keyPrefix: null,
    user: { id: "U1", name: "Mia Merchant", role: "CLIENT_ADMIN" as const },
    provider: { id: "p", name: "Northwind Fulfilment" },
    client: { id: "c", code: "ACME", name: "ACME Outdoor" },
    supplier: null,
  },
};

function fill(label: string, value: string) {
  fireEvent.input(screen.getByLabelText(label), { target: { value } });
}

function openPasswordPage(mutations: Record<string, unknown> = {}, session: object = person) {
  navigate("/password");
  return renderSignedIn(
    <Shell title="Client portal" nav={[{ href: "/", label: "Orders" }]}>
      <p>the face's own page</p>
    </Shell>,
    {},
    mutations,
    session,
  );
}

describe("a signed-in person's password", () => {
  it("is linked from the header and opens in place of the face's page", () => {
    navigate("/");
    renderSignedIn(
      <Shell title="Supplier" nav={[]}>
        <p>the face's own page</p>
      </Shell>,
      {},
      {},
      person,
    );
    const link = screen.getByRole("link", { name: "Password" });
    expect(link.getAttribute("href")).toBe("/password");
    fireEvent.click(link);
    expect(screen.getByRole("heading", { name: "Password" })).toBeTruthy();
    expect(screen.queryByText("the face's own page")).toBeNull();
  });

  it("is not offered to a caller with no person behind it (an API key)", () => {
    openPasswordPage({}, { viewer: { ...person.viewer, user: null } });
    expect(screen.queryByRole("link", { name: "Password" })).toBeNull();
    expect(screen.getByText("the face's own page")).toBeTruthy();
  });

  it("sends the current and new password, then says the other sessions ended", async () => {
    const changed = { changePassword: { userErrors: [], user: { id: "U1" } } };
    const { sent } = openPasswordPage({ ChangePassword: changed });
    fill("Current password", "acme-demo-merchant");
    fill("New password (10 to 200 characters)", "a much longer one");
    fill("New password again", "a much longer one");
    fireEvent.click(screen.getByRole("button", { name: "Change password" }));

    await waitFor(() => expect(screen.getByRole("status").textContent).toContain("Password changed"));
    expect(sent).toHaveBeenCalledWith("ChangePassword", {
      input: { currentPassword: "acme-demo-merchant", newPassword: "a much longer one" },
    });
    expect((screen.getByLabelText("Current password") as HTMLInputElement).value).toBe("");
  });

  it("sends nothing when the two new passwords differ", () => {
    const { sent } = openPasswordPage();
    fill("Current password", "acme-demo-merchant");
    fill("New password (10 to 200 characters)", "a much longer one");
    fill("New password again", "a much longer onE");
    fireEvent.click(screen.getByRole("button", { name: "Change password" }));

    expect(document.getElementById("password-repeat-error")?.textContent).toBe(
      "The two new passwords differ.",
    );
    expect(sent).not.toHaveBeenCalledWith("ChangePassword", expect.anything());
  });

  it("shows the server's refusal beside the field it names", async () => {
    const refused = {
      changePassword: {
        userErrors: [{ field: ["input", "currentPassword"], code: "INVALID", message: "The current password is wrong." }],
        user: null,
      },
    };
    openPasswordPage({ ChangePassword: refused });
    fill("Current password", "guess");
    fill("New password (10 to 200 characters)", "a much longer one");
    fill("New password again", "a much longer one");
    fireEvent.click(screen.getByRole("button", { name: "Change password" }));

    const box = screen.getByLabelText("Current password");
    await waitFor(() => expect(box.getAttribute("aria-describedby")).toBe("password-current-error"));
    expect(document.getElementById("password-current-error")?.textContent).toBe(
      "The current password is wrong.",
    );
    expect(screen.queryByRole("status")).toBeNull();
  });
});
