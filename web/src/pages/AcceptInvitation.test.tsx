import { render, screen } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { AcceptInvitation, invitationToken } from "./AcceptInvitation";

describe("accepting an invitation", () => {
  it("reads the token from the link's fragment, which is never sent to a server", () => {
    expect(invitationToken("#token=abc-123")).toBe("abc-123");
    expect(invitationToken("")).toBe("");
  });

  it("asks for a name and a password, or says the link is incomplete", () => {
    window.location.hash = "#token=abc";
    render(<AcceptInvitation onSignedIn={() => undefined} />);
    expect(screen.getByLabelText("Your name")).toBeTruthy();
    expect(screen.getByLabelText("Choose a password").getAttribute("type")).toBe("password");
  });

  it("says so when the link has no token", () => {
    window.location.hash = "";
    render(<AcceptInvitation onSignedIn={() => undefined} />);
    expect(screen.getByRole("alert").textContent).toContain("no invitation in it");
  });
});
