import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { People } from "./People";
import { invitableRoles, ownerOf, rolesLike } from "./roles";

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
const people = {
  People: {
    users: {
      edges: [
        { id: "U1", name: "Olivia Ortega", email: "ops@northwind.example", role: "PROVIDER_ADMIN" },
        { id: "U2", name: "Marco Rossi", email: "merchant@acme.example", role: "CLIENT_ADMIN" },
      ].map((u) => ({
        node: {
          ...u,
          status: "ACTIVE",
          createdAt: "2026-12-01T10:00:00Z",
          invitationExpiresAt: null,
          client: u.role === "CLIENT_ADMIN" ? { code: "ACME" } : null,
          supplier: null,
        },
      })),
      pageInfo: { hasNextPage: false, endCursor: null },
    },
  },
  InviteTargets: {
    clients: { edges: [{ node: { id: "C1", code: "ACME", name: "ACME Outdoor" } }] },
    suppliers: { edges: [] },
  },
};

describe("people", () => {
  it("lets staff hand out every role, and a client only its own", () => {
    expect(invitableRoles("PROVIDER")).toContain("WAREHOUSE_OPERATOR");
    expect(invitableRoles("CLIENT")).toEqual(["CLIENT_ADMIN", "CLIENT_VIEWER"]);
    expect(ownerOf("CLIENT_VIEWER")).toBe("client");
    expect(ownerOf("SUPPLIER")).toBe("supplier");
    expect(ownerOf("BILLING")).toBeNull();
  });

  it("moves a person only between roles of the same kind that the viewer may grant", () => {
    expect(rolesLike("BILLING", "PROVIDER")).toEqual(["PROVIDER_ADMIN", "WAREHOUSE_OPERATOR", "BILLING"]);
    expect(rolesLike("CLIENT_VIEWER", "CLIENT")).toEqual(["CLIENT_ADMIN", "CLIENT_VIEWER"]);
    expect(rolesLike("PROVIDER_ADMIN", "CLIENT")).toEqual([]);
    expect(rolesLike("SUPPLIER", "PROVIDER")).toEqual(["SUPPLIER"]);
  });

  it("changes a role from the table and shows a refusal", async () => {
    const { sent } = renderSignedIn(
      <People />,
      people,
      {
        ChangeUserRole: {
          changeUserRole: {
            user: null,
            userErrors: [
              { field: ["role"], code: "FORBIDDEN", message: "The provider must keep at least one active admin." },
            ],
          },
        },
      },
      staff,
    );
    const select = screen.getByLabelText("Role of ops@northwind.example") as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(["PROVIDER_ADMIN", "WAREHOUSE_OPERATOR", "BILLING"]);
    fireEvent.change(select, { target: { value: "BILLING" } });

    await waitFor(() =>
      expect(screen.getByRole("alert").textContent).toBe("The provider must keep at least one active admin."),
    );
    expect(sent).toHaveBeenCalledWith("ChangeUserRole", { id: "U1", role: "BILLING" });
  });

  it("offers to deactivate others, never the signed-in person", () => {
    renderSignedIn(<People />, people, {}, staff);
    expect(screen.getByRole("button", { name: "Deactivate merchant@acme.example" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Deactivate ops@northwind.example" })).toBeNull();
  });

  it("shows the one-time link after an invitation, naming the client for a client role", async () => {
    const { sent } = renderSignedIn(
      <People />,
      people,
      {
        InviteUser: {
          inviteUser: {
            invitationUrl: "http://x/accept-invitation#token=abc",
            user: { id: "U3", email: "kim@acme.example" },
            userErrors: [],
          },
        },
      },
      staff,
    );
    fireEvent.input(screen.getByLabelText("E-mail"), { target: { value: "kim@acme.example" } });
    fireEvent.change(screen.getByLabelText("Role"), { target: { value: "CLIENT_VIEWER" } });
    fireEvent.change(screen.getByLabelText("Client"), { target: { value: "C1" } });
    fireEvent.click(screen.getByRole("button", { name: "Invite" }));

    await waitFor(() =>
      expect((screen.getByLabelText("Invitation link") as HTMLInputElement).value).toBe(
        "http://x/accept-invitation#token=abc",
      ),
    );
    expect(sent).toHaveBeenCalledWith("InviteUser", {
      input: { email: "kim@acme.example", role: "CLIENT_VIEWER", clientId: "C1", supplierId: null },
    });
  });

  it("shows a refusal beside the field it names, and no link", async () => {
    renderSignedIn(
      <People />,
      people,
      {
        InviteUser: {
          inviteUser: {
            invitationUrl: null,
            user: null,
            userErrors: [{ field: ["input", "email"], code: "DUPLICATE", message: "Taken." }],
          },
        },
      },
      staff,
    );
    fireEvent.input(screen.getByLabelText("E-mail"), { target: { value: "ops@northwind.example" } });
    fireEvent.click(screen.getByRole("button", { name: "Invite" }));

    await waitFor(() => expect(document.getElementById("invite-email-error")?.textContent).toBe("Taken."));
    expect(screen.queryByLabelText("Invitation link")).toBeNull();
  });
});
