import { describe, expect, it } from "vitest";
import { endsForRights, resumingPayload } from "./client";

describe("a subscription's payload after a lost connection", () => {
  const event = (position: unknown) => ({ data: { orderEvents: { id: "E1", position } } });

  it("carries the newest position heard as after, so it resumes there, not at its first read", () => {
    const request = { query: "subscription", variables: { after: "FIRST-READ" } };
    const { payload, heard } = resumingPayload(request);
    expect(payload.variables).toEqual({ after: "FIRST-READ" });
    heard(event("P1"));
    heard(event("P2"));
    expect(payload.variables).toEqual({ after: "P2" });
    expect(request.variables.after).toBe("FIRST-READ"); // the page's own request unchanged
  });

  it("keeps its position through messages without one (errors, events asked without it)", () => {
    const { payload, heard } = resumingPayload({ query: "s", variables: { after: "P1" } });
    heard({ data: null, errors: [{ message: "refused" }] });
    heard({ data: { orderEvents: { id: "E2" } } });
    heard(event(42));
    heard(null);
    expect(payload.variables).toEqual({ after: "P1" });
  });

  it("leaves a subscription without an after variable as it is (it starts from now)", () => {
    const { payload, heard } = resumingPayload({ query: "s", variables: { other: 1 } });
    heard(event("P1"));
    expect(payload.variables).toEqual({ other: 1 });
    const bare = resumingPayload({ query: "s" });
    bare.heard(event("P1"));
    expect(bare.payload.variables).toBeUndefined();
  });
});

describe("a subscription ended for the person's rights", () => {
  it("is told by the server's SCOPES_CHANGED or SESSION_EXPIRED, not by events or other errors", () => {
    const ended = (code: string) => ({ data: null, errors: [{ message: "x", extensions: { code } }] });
    expect(endsForRights(ended("SCOPES_CHANGED"))).toBe(true);
    expect(endsForRights(ended("SESSION_EXPIRED"))).toBe(true);
    expect(endsForRights(ended("API_KEY_REVOKED"))).toBe(false);
    expect(endsForRights({ data: { orderEvents: { topic: "ORDER_CREATED" } } })).toBe(false);
    expect(endsForRights(null)).toBe(false);
  });
});
