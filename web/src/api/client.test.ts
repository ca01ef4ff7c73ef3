import { describe, expect, it } from "vitest";
import { connectionWatch, endsForRights } from "./client";

describe("the subscription socket's connections", () => {
  it("count as reconnections only after a connection was lost, not after the lazy close", () => {
    const watch = connectionWatch();
    expect(watch.connected()).toBe(false); // the first
    watch.closed(1000); // nothing listened any more: closed on purpose
    expect(watch.connected()).toBe(false);
    watch.closed(1006); // the server went away
    watch.closed(undefined); // and a retry failed before it came back
    expect(watch.connected()).toBe(true);
    expect(watch.connected()).toBe(false); // told once
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
