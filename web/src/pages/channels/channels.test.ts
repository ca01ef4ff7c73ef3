import { describe, expect, it } from "vitest";
import {
  EMPTY_CONNECTION,
  createConnectionInput,
  credentialsInput,
  formatLag,
  healthOf,
  importedInto,
  resyncInput,
  switchInput,
  unmappedSkusOf,
  waitingBySku,
} from "./channels";

describe("sales channel inputs", () => {
  it("trims what is typed except the credentials, and leaves the client out for a client's own", () => {
    const typed = {
      ...EMPTY_CONNECTION,
      name: " woo ",
      shopUrl: " https://shop.example ",
      warehouseId: "W1",
      apiKey: " ck_1 ",
      apiSecret: "cs_1",
    };
    expect(createConnectionInput(typed)).toEqual({
      clientId: null,
      kind: "WOOCOMMERCE",
      name: "woo",
      shopUrl: "https://shop.example",
      warehouseId: "W1",
      apiKey: " ck_1 ",
      apiSecret: "cs_1",
      importOrders: true,
      syncFulfillments: true,
      syncInventory: true,
    });
    expect(createConnectionInput({ ...typed, clientId: "C1", syncInventory: false })).toMatchObject({
      clientId: "C1",
      syncInventory: false,
    });
  });

  it("changes one switch, or both credentials, and nothing else", () => {
    expect(switchInput("X", "syncInventory", false)).toEqual({ id: "X", syncInventory: false });
    expect(credentialsInput("X", "k", "s")).toEqual({ id: "X", apiKey: "k", apiSecret: "s" });
  });

  it("resyncs from a local time as UTC, a full stock push, both, or refuses neither", () => {
    expect(resyncInput("X", "", false)).toBeNull();
    expect(resyncInput("X", "not a time", false)).toBeNull();
    expect(resyncInput("X", "", true)).toEqual({ id: "X", ordersSince: null, fullStockPush: true });
    const since = resyncInput("X", "2026-12-01T09:30", false);
    expect(since?.ordersSince).toBe(new Date(2026, 11, 1, 9, 30).toISOString());
    expect(since?.fullStockPush).toBe(false);
  });
});

describe("sales channel health", () => {
  it("reads a lag as people do", () => {
    expect(formatLag(null)).toBe("—");
    expect(formatLag(45)).toBe("45 s");
    expect(formatLag(12 * 60 + 5)).toBe("12 min");
    expect(formatLag(3 * 3600 + 5 * 60)).toBe("3 h 5 min");
    expect(formatLag(2 * 3600)).toBe("2 h");
    expect(formatLag(50 * 3600)).toBe("2 d 2 h");
  });

  it("is failing with an error, behind past three missed polls, else OK; off without imports", () => {
    expect(healthOf({ importOrders: true, lastError: "401", lagSeconds: 5 })).toBe("Failing");
    expect(healthOf({ importOrders: true, lagSeconds: 16 * 60 })).toBe("Behind");
    expect(healthOf({ importOrders: true, lagSeconds: 60 })).toBe("OK");
    expect(healthOf({ importOrders: true, lagSeconds: null })).toBe("Not polled yet");
    expect(healthOf({ importOrders: false, lagSeconds: 99999 })).toBe("Off");
    expect(healthOf({ importOrders: false, lastError: "401", disconnectedAt: "2026-12-01T11:00:00Z" })).toBe(
      "Disconnected",
    );
  });
});

describe("orders waiting for a SKU mapping", () => {
  const hold = (unmappedSkus: string[], releasedAt: string | null = null) => ({
    reason: "UNMAPPED_SKU",
    unmappedSkus,
    releasedAt,
  });

  it("takes the SKUs from the unreleased holds' unmappedSkus, each once", () => {
    expect(unmappedSkusOf([hold(["SHOP-1", "variant:77"]), hold(["SHOP-1"])])).toEqual(["SHOP-1", "variant:77"]);
    expect(unmappedSkusOf([hold(["SHOP-1"], "2026-12-01T10:00:00Z")])).toEqual([]);
    expect(unmappedSkusOf([{ reason: "FRAUD_RISK", unmappedSkus: [], releasedAt: null }])).toEqual([]);
  });

  it("groups held orders under each SKU they wait for", () => {
    const a = { id: "A", holds: [hold(["S1", "S2"])] };
    const b = { id: "B", holds: [hold(["S2"])] };
    expect(waitingBySku([a, b]).map(([sku, orders]) => [sku, orders.map((o) => o.id)])).toEqual([
      ["S1", ["A"]],
      ["S2", ["A", "B"]],
    ]);
  });
});

describe("telling a shop's imports apart", () => {
  const CLIENT = "1b2c3d4e-0000-4000-8000-000000000001";
  const SHOP = "5a000000-0000-4000-8000-000000000001";
  const SHOP_EU = "5a000000-0000-4000-8000-000000000002";
  const client = { id: btoa(`Client:${CLIENT}`) };
  // "shop-eu-..." starts with "shop-": the names prefix each other
  const shop = { id: btoa(`ChannelConnection:${SHOP}`), name: "shop", client };
  const shopEu = { id: btoa(`ChannelConnection:${SHOP_EU}`), name: "shop-eu", client };
  const created = (reference: string, connection?: string | null) => ({
    topic: "ORDER_CREATED",
    payload: {
      client_id: CLIENT,
      external_reference: reference,
      status: "RECEIVED",
      ...(connection === undefined ? {} : { channel_connection_id: connection }),
    },
  });

  it("goes by the connection an order.created names, not by its reference", () => {
    expect(importedInto(created("shop-eu-1001", SHOP_EU), [shop])).toBe(false);
    expect(importedInto(created("shop-eu-1001", SHOP_EU), [shopEu])).toBe(true);
    expect(importedInto(created("shop-1001", SHOP), [shop, shopEu])).toBe(true);
    // a hand-made order whose reference looks like an import is none
    expect(importedInto(created("shop-eu-2002", null), [shop, shopEu])).toBe(false);
  });

  it("goes by the connection a release from hold names", () => {
    const released = (connection: string | null) => ({
      topic: "ORDER_ALLOCATED",
      payload: { client_id: CLIENT, external_reference: "shop-eu-1002", previous_status: "ON_HOLD", channel_connection_id: connection },
    });
    expect(importedInto(released(SHOP_EU), [shopEu])).toBe(true);
    expect(importedInto(released(SHOP_EU), [shop])).toBe(false);
    expect(importedInto(released(null), [shop, shopEu])).toBe(false);
  });

  it("falls back to the client and the reference's prefix for events written before", () => {
    expect(importedInto(created("shop-1001"), [shop])).toBe(true);
    expect(importedInto(created("shop-1001"), [shopEu])).toBe(false);
    expect(importedInto(created("other-1001"), [shop, shopEu])).toBe(false);
  });
});
