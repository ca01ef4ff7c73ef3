import { fireEvent, screen, waitFor } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { SignIns } from "./SignIns";
import { describeSignIn, inputField } from "./signIns";

const event = (mutation: string, outcome: string, errorCodes: string[] = [], input: unknown = {}) => ({
  mutation,
  outcome,
  errorCodes,
  input,
});

describe("sign-ins", () => {
  it("shows one person's when the address names them", () => {
    window.history.pushState(null, "", "/sign-ins?person=U2&name=Marco+Rossi");
    const { sent } = renderSignedIn(<SignIns />, {
      SignIns: { auditEvents: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } },
    });
    expect(screen.getByRole("heading", { name: "Sign-ins of Marco Rossi" })).toBeTruthy();
    expect(sent).toHaveBeenCalledWith("SignIns", expect.objectContaining({ objectId: "U2" }));
    window.history.pushState(null, "", "/");
  });

  it("says what happened, refusals with their reason", () => {
    expect(describeSignIn(event("signIn", "OK"))).toBe("Signed in");
    expect(describeSignIn(event("signOut", "OK"))).toBe("Signed out");
    expect(describeSignIn(event("signOut", "OK", [], { ended: "expired" }))).toBe("Signed out: the session expired");
    expect(describeSignIn(event("acceptInvitation", "OK"))).toBe("Accepted an invitation, signed in");
    expect(describeSignIn(event("signIn", "REFUSED", ["INVALID_CREDENTIALS"]))).toBe("Refused: wrong password");
    expect(describeSignIn(event("signIn", "REFUSED", ["THROTTLED"]))).toBe("Refused: too many failures, blocked");
    expect(describeSignIn(event("signIn", "REFUSED", ["NEW_CODE"]))).toBe("Refused (NEW_CODE)");
  });

  it("reads only string fields of the recorded input", () => {
    const e = event("signIn", "OK", [], { email: "a@b.example", clientAddress: 7 });
    expect(inputField(e, "email")).toBe("a@b.example");
    expect(inputField(e, "clientAddress")).toBe("—");
    expect(inputField(event("signIn", "OK", [], null), "email")).toBe("—");
  });

  it("lists the trail's sign-in events, and asks for refusals only when ticked", async () => {
    const { sent } = renderSignedIn(<SignIns />, {
      SignIns: {
        auditEvents: {
          edges: [
            {
              node: {
                id: "A1",
                occurredAt: "2026-12-01T10:00:00Z",
                actorName: "Marco Rossi",
                ...event("signIn", "REFUSED", ["INVALID_CREDENTIALS"], {
                  email: "merchant@acme.example",
                  clientAddress: "10.0.0.7",
                }),
              },
            },
          ],
          pageInfo: { hasNextPage: false, endCursor: null },
        },
      },
    });
    expect(screen.getByRole("table", { name: "Sign-ins" }).textContent).toContain("Refused: wrong password");
    expect(screen.getByText("10.0.0.7")).toBeTruthy();
    expect(sent).toHaveBeenCalledWith("SignIns", {
      first: 50,
      after: null,
      mutation: ["signIn", "signOut", "acceptInvitation"],
      outcome: null,
      objectId: null,
    });
    fireEvent.click(screen.getByLabelText("Refused only"));
    await waitFor(() =>
      expect(sent).toHaveBeenCalledWith("SignIns", expect.objectContaining({ outcome: ["REFUSED"] })),
    );
  });
});
