import { describe, expect, it } from "vitest";
import { offeredTopics, toggle } from "./topics";

describe("webhook topics", () => {
  it("offers each kind of caller the topics about its own work", () => {
    expect(offeredTopics("CLIENT")).toContain("ORDER_SHIPPED");
    expect(offeredTopics("CLIENT")).not.toContain("FULFILLMENT_ROUTED");
    expect(offeredTopics("SUPPLIER")).toEqual(
      expect.arrayContaining(["FULFILLMENT_ROUTED", "FULFILLMENT_LABEL_FAILED", "FULFILLMENT_SHIPPED"]),
    );
    expect(offeredTopics("SUPPLIER")).not.toContain("ORDER_CREATED");
    expect(offeredTopics("PROVIDER")).toEqual(
      expect.arrayContaining([
        "ORDER_CREATED",
        "FULFILLMENT_ROUTED",
        "FULFILLMENT_LABEL_FAILED",
        "CHANNEL_SYNC_FAILED",
        "CHANNEL_IMPORT_FAILED",
      ]),
    );
    const provider = offeredTopics("PROVIDER");
    expect(provider).toHaveLength(new Set(provider).size); // each offered once
  });

  it("offers a supplier every topic its endpoint can hear, and only those", () => {
    // domain/outbox/events.py SUPPLIER_TOPICS: the API refuses any other for a supplier
    expect([...offeredTopics("SUPPLIER")].sort()).toEqual(
      [
        "FULFILLMENT_ACKNOWLEDGED",
        "FULFILLMENT_LABEL_FAILED",
        "FULFILLMENT_OVERDUE",
        "FULFILLMENT_REJECTED",
        "FULFILLMENT_ROUTED",
        "FULFILLMENT_SHIPPED",
        "SUPPLIER_STOCK_CHANGED",
      ].sort(),
    );
  });

  it("toggles a topic in and out of the chosen ones", () => {
    expect(toggle([], "ORDER_CREATED")).toEqual(["ORDER_CREATED"]);
    expect(toggle(["ORDER_CREATED", "STOCK_CHANGED"], "ORDER_CREATED")).toEqual(["STOCK_CHANGED"]);
  });
});
