import { describe, expect, it } from "vitest";
import { offeredTopics, toggle } from "./topics";

describe("webhook topics", () => {
  it("offers each kind of caller the topics about its own work", () => {
    expect(offeredTopics("CLIENT")).toContain("ORDER_SHIPPED");
    expect(offeredTopics("CLIENT")).not.toContain("FULFILLMENT_ROUTED");
    expect(offeredTopics("SUPPLIER")).toEqual(expect.arrayContaining(["FULFILLMENT_ROUTED"]));
    expect(offeredTopics("SUPPLIER")).not.toContain("ORDER_CREATED");
    expect(offeredTopics("PROVIDER")).toEqual(
      expect.arrayContaining(["ORDER_CREATED", "FULFILLMENT_ROUTED", "CHANNEL_SYNC_FAILED", "CHANNEL_IMPORT_FAILED"]),
    );
  });

  it("toggles a topic in and out of the chosen ones", () => {
    expect(toggle([], "ORDER_CREATED")).toEqual(["ORDER_CREATED"]);
    expect(toggle(["ORDER_CREATED", "STOCK_CHANGED"], "ORDER_CREATED")).toEqual(["STOCK_CHANGED"]);
  });
});
