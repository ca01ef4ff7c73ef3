import { describe, expect, it } from "vitest";
import { connectionWatch } from "./client";

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
