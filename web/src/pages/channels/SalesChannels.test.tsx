import { fireEvent, screen, waitFor, within } from "@testing-library/preact";
import { describe, expect, it } from "vitest";
import { renderSignedIn } from "../../test-client";
import { burstClock } from "../../test-bursts";
import { ChannelConnection } from "./ChannelConnection";
import { SalesChannels } from "./SalesChannels";

const merchant = {
  viewer: {
    kind: "CLIENT" as const,
    scopes: [],
    keyPrefix: null,
    user: { id: "U2", name: "Ada Merchant", role: "CLIENT_ADMIN" as const },
    provider: { id: "p", name: "Northwind Fulfilment" },
    client: { id: "C1", code: "ACME", name: "ACME Outdoor" },
    supplier: null,
  },
};
const staff = {
  viewer: {
    ...merchant.viewer,
    kind: "PROVIDER" as const,
    user: { id: "U1", name: "Olivia Ortega", role: "PROVIDER_ADMIN" as const },
    client: null,
  },
};

const connection = {
  id: "CH1",
  kind: "WOOCOMMERCE",
  name: "woo",
  shopUrl: "https://shop.example",
  shopName: "1 Fake Street",
  locationId: null,
  importOrders: true,
  syncFulfillments: true,
  syncInventory: false,
  lastPolledAt: "2026-12-01T10:00:00Z",
  lagSeconds: 125,
  lastImportAt: "2026-12-01T09:58:00Z",
  lastError: "Order 17: no ship-to country",
  lastErrorAt: "2026-12-01T09:59:00Z",
  disconnectedAt: null as string | null,
  webhookPath: "/channels/woocommerce/webhook/p/CH1",
  createdAt: "2026-12-01T09:00:00Z",
  client: { id: "C1", code: "ACME", name: "ACME Outdoor" },
  warehouse: { id: "W1", code: "RNO", name: "Reno DC" },
  counts: { imported: 12, held: 1, failed: 1, stockPending: 0, shipmentsReported: 4, stockPushes: 9 },
};

const listQueries = {
  ChannelConnections: {
    channelConnections: { edges: [{ node: connection }], pageInfo: { hasNextPage: false, endCursor: null } },
  },
  ChannelChoices: { warehouses: { edges: [{ node: { id: "W1", code: "RNO", name: "Reno DC" } }] } },
  InviteTargets: {
    clients: { edges: [{ node: { id: "C1", code: "ACME", name: "ACME Outdoor" } }] },
    suppliers: { edges: [] },
  },
};

const heldOrder = {
  id: "CO1",
  channelOrderId: "1001",
  status: "HELD",
  error: null,
  createdAt: "2026-12-01T09:58:00Z",
  order: {
    id: "O1",
    externalReference: "woo-1001",
    status: "ON_HOLD",
    holds: [{ id: "H1", reason: "UNMAPPED_SKU", unmappedSkus: ["SHOP-TENT"], releasedAt: null }],
  },
};
const failedOrder = {
  id: "CO2",
  channelOrderId: "17",
  status: "FAILED",
  error: "no ship-to country",
  createdAt: "2026-12-01T09:59:00Z",
  order: null,
};
const detailQueries = {
  ChannelConnection: {
    node: { __typename: "ChannelConnection", ...connection },
    channelSkuMappings: {
      edges: [{ node: { id: "M1", channelSku: "SHOP-LAMP", product: { id: "P2", sku: "LAMP-LED", name: "LED lantern" } } }],
    },
    channelOrders: { edges: [{ node: heldOrder }, { node: failedOrder }] },
  },
  ChannelProductSearch: {
    products: { edges: [{ node: { id: "P1", sku: "TENT-2P", name: "Two-person tent" } }] },
  },
  ChannelProductBySku: { products: { edges: [] } },
};

function type(label: string | RegExp, value: string) {
  fireEvent.input(screen.getByLabelText(label), { target: { value } });
}

describe("sales channels, client portal", () => {
  it("lists the client's shops with their health, lag, counts and last error, and no client column", () => {
    renderSignedIn(<SalesChannels canChange />, listQueries, {}, merchant);
    const table = screen.getByRole("table", { name: "Sales channels" });
    const [header, row] = within(table).getAllByRole("row");
    expect(header.textContent).not.toContain("Client");
    expect(within(row).getByRole("link", { name: "woo" }).getAttribute("href")).toBe("/channels/CH1");
    for (const shown of ["1 Fake Street (https://shop.example)", "RNO", "Import orders, Report shipments", "Failing", "2 min", "12 imported · 1 held · 1 failed", "Order 17: no ship-to country"])
      expect(row.textContent).toContain(shown);
    expect(row.textContent).not.toContain("Push stock");
  });

  it("connects a shop: credentials sent once and cleared, the webhook secret and address shown once", async () => {
    const { sent } = renderSignedIn(
      <SalesChannels canChange />,
      listQueries,
      {
        CreateChannelConnection: {
          createChannelConnection: {
            channelConnection: { id: "CH2", name: "woo2", kind: "WOOCOMMERCE", webhookPath: "/channels/woocommerce/webhook/p/CH2" },
            webhookSecret: "whsec-woo",
            userErrors: [],
          },
        },
      },
      merchant,
    );
    expect(screen.queryByLabelText("Client")).toBeNull();
    type("Name", "woo2");
    type("Shop address", "https://shop2.example");
    fireEvent.change(screen.getByLabelText("Warehouse"), { target: { value: "W1" } });
    type("Consumer key", "ck_live");
    type("Consumer secret", "cs_live");
    fireEvent.click(screen.getByRole("checkbox", { name: "Push stock" }));
    fireEvent.click(screen.getByRole("button", { name: "Connect shop" }));

    await waitFor(() => expect((screen.getByLabelText("Webhook secret") as HTMLInputElement).value).toBe("whsec-woo"));
    expect(sent).toHaveBeenCalledWith("CreateChannelConnection", {
      input: {
        clientId: null,
        kind: "WOOCOMMERCE",
        name: "woo2",
        shopUrl: "https://shop2.example",
        warehouseId: "W1",
        apiKey: "ck_live",
        apiSecret: "cs_live",
        importOrders: true,
        syncFulfillments: true,
        syncInventory: false,
      },
    });
    expect(screen.getByText(/Connected woo2\./)).toBeTruthy();
    expect(document.body.textContent).toContain(`${window.location.origin}/channels/woocommerce/webhook/p/CH2`);
    // the credentials left the form and are nowhere on the page
    expect((screen.getByLabelText("Consumer key") as HTMLInputElement).value).toBe("");
    expect((screen.getByLabelText("Consumer secret") as HTMLInputElement).value).toBe("");
    expect(document.body.innerHTML).not.toContain("cs_live");
    expect(document.body.innerHTML).not.toContain("ck_live");
  });

  it("names Shopify's credentials as Shopify does", () => {
    renderSignedIn(<SalesChannels canChange />, listQueries, {}, merchant);
    fireEvent.change(screen.getByLabelText("Platform"), { target: { value: "SHOPIFY" } });
    expect(screen.getByLabelText("Admin API access token").getAttribute("type")).toBe("password");
    expect(screen.getByLabelText("App client secret").getAttribute("type")).toBe("password");
  });

  it("shows a refusal beside its field, keeps what was typed and shows no secret", async () => {
    renderSignedIn(
      <SalesChannels canChange />,
      listQueries,
      {
        CreateChannelConnection: {
          createChannelConnection: {
            channelConnection: null,
            webhookSecret: null,
            userErrors: [{ field: ["input", "shopUrl"], code: "INVALID", message: "Must be https to a public host." }],
          },
        },
      },
      merchant,
    );
    type("Name", "woo2");
    type("Shop address", "http://10.0.0.1");
    type("Consumer key", "ck_live");
    type("Consumer secret", "cs_live");
    fireEvent.click(screen.getByRole("button", { name: "Connect shop" }));
    await waitFor(() =>
      expect(document.getElementById("channel-shop-url-error")?.textContent).toBe("Must be https to a public host."),
    );
    expect(screen.getByLabelText("Shop address").getAttribute("aria-describedby")).toBe("channel-shop-url-error");
    expect((screen.getByLabelText("Shop address") as HTMLInputElement).value).toBe("http://10.0.0.1");
    expect(screen.queryByLabelText("Webhook secret")).toBeNull();
  });

  it("shows a client viewer the shops and no form", () => {
    renderSignedIn(<SalesChannels />, listQueries, {}, merchant);
    expect(screen.getByRole("link", { name: "woo" })).toBeTruthy();
    expect(screen.queryByRole("form", { name: "Connect a shop" })).toBeNull();
  });
});

describe("sales channels, console", () => {
  it("lists every client's shops with a client column and filter, and connects one for a client", async () => {
    const { sent } = renderSignedIn(
      <SalesChannels staff canChange />,
      listQueries,
      {
        CreateChannelConnection: {
          createChannelConnection: {
            channelConnection: null,
            webhookSecret: null,
            userErrors: [{ field: ["input", "clientId"], code: "REQUIRED", message: "Choose the client." }],
          },
        },
      },
      staff,
    );
    const [header, row] = within(screen.getByRole("table", { name: "Sales channels" })).getAllByRole("row");
    expect(header.textContent).toContain("Client");
    expect(row.textContent).toContain("ACME");
    fireEvent.change(screen.getByLabelText("Show shops of"), { target: { value: "C1" } });
    await waitFor(() =>
      expect(sent).toHaveBeenCalledWith("ChannelConnections", { first: 50, after: null, clientId: "C1" }),
    );
    type("Name", "woo");
    type("Shop address", "https://shop.example");
    type("Consumer key", "ck");
    type("Consumer secret", "cs");
    fireEvent.click(screen.getByRole("button", { name: "Connect shop" }));
    await waitFor(() => expect(document.getElementById("channel-client-error")?.textContent).toBe("Choose the client."));
  });
});

describe("a sales channel's page", () => {
  it("checks the connection and says what it found", async () => {
    const { sent } = renderSignedIn(
      <ChannelConnection id="CH1" canChange />,
      detailQueries,
      {
        CheckChannelConnection: {
          checkChannelConnection: {
            reachable: true,
            message: null,
            details: [{ name: "currency", value: "USD" }],
            channelConnection: { ...connection, shopName: "1 Fake Street", lastError: null },
            userErrors: [],
          },
        },
      },
      merchant,
    );
    fireEvent.click(screen.getByRole("button", { name: "Check connection" }));
    await waitFor(() =>
      expect(screen.getByText(/Reached the shop/).textContent).toBe(
        "Reached the shop: 1 Fake Street; currency USD. The credentials work.",
      ),
    );
    expect(sent).toHaveBeenCalledWith("CheckChannelConnection", { id: "CH1" });
  });

  it("disconnects only once confirmed, then offers no changes", async () => {
    const gone = { ...connection, importOrders: false, syncFulfillments: false, disconnectedAt: "2026-12-01T11:00:00Z" };
    const { sent } = renderSignedIn(
      <ChannelConnection id="CH1" canChange />,
      detailQueries,
      {
        DisconnectChannelConnection: {
          disconnectChannelConnection: { shopReleased: false, message: "HTTP 503", channelConnection: gone, userErrors: [] },
        },
      },
      merchant,
    );
    const asked: string[] = [];
    window.confirm = (question?: string) => {
      asked.push(question ?? "");
      return asked.length > 1;
    };
    fireEvent.click(screen.getByRole("button", { name: "Disconnect shop" }));
    expect(sent).not.toHaveBeenCalledWith("DisconnectChannelConnection", { id: "CH1" });
    fireEvent.click(screen.getByRole("button", { name: "Disconnect shop" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("the shop could not be told: HTTP 503"));
    expect(sent).toHaveBeenCalledWith("DisconnectChannelConnection", { id: "CH1" });
    expect(asked[0]).toMatch(/^Disconnect woo\? Orders stop coming in/);
  });

  it("shows a disconnected connection with nothing to change", () => {
    renderSignedIn(
      <ChannelConnection id="CH1" canChange />,
      { ...detailQueries, ChannelConnection: { ...detailQueries.ChannelConnection, node: { __typename: "ChannelConnection", ...connection, disconnectedAt: "2026-12-01T11:00:00Z" } } },
      {},
      merchant,
    );
    expect(screen.getByText(/nothing flows through it any more/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Disconnect shop" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Check connection" })).toBeNull();
  });

  it("shows the shop's refusal when the check fails", async () => {
    renderSignedIn(
      <ChannelConnection id="CH1" canChange />,
      detailQueries,
      {
        CheckChannelConnection: {
          checkChannelConnection: {
            reachable: false,
            message: "The shop refused the credentials (401).",
            details: null,
            channelConnection: connection,
            userErrors: [],
          },
        },
      },
      merchant,
    );
    fireEvent.click(screen.getByRole("button", { name: "Check connection" }));
    await waitFor(() =>
      expect(screen.getByText("The shop refused: The shop refused the credentials (401).")).toBeTruthy(),
    );
  });

  it("lists a held order under its unmapped SKU and maps that SKU from there", async () => {
    const { sent } = renderSignedIn(
      <ChannelConnection id="CH1" canChange />,
      detailQueries,
      {
        SetChannelSkuMapping: {
          setChannelSkuMapping: {
            channelSkuMapping: { id: "M2", channelSku: "SHOP-TENT", product: { sku: "TENT-2P" } },
            userErrors: [],
          },
        },
      },
      merchant,
    );
    const waiting = screen.getByRole("table", { name: "Channel SKUs with no product" });
    expect(within(waiting).getByRole("link", { name: "woo-1001" }).getAttribute("href")).toBe("/orders/O1");
    fireEvent.click(within(waiting).getByRole("button", { name: "Map SHOP-TENT" }));
    expect((screen.getByLabelText("Channel SKU") as HTMLInputElement).value).toBe("SHOP-TENT");
    expect(document.activeElement?.id).toBe("map-product-sku");
    type("Product SKU", "TENT-2P");
    fireEvent.click(screen.getByRole("button", { name: "Map SKU" }));
    await waitFor(() =>
      expect(sent).toHaveBeenCalledWith("SetChannelSkuMapping", {
        input: { connectionId: "CH1", channelSku: "SHOP-TENT", productId: "P1" },
      }),
    );
    await waitFor(() => expect(screen.getByText(/Mapped SHOP-TENT to TENT-2P/)).toBeTruthy());
    // the mappings and the import that failed are listed
    expect(screen.getByRole("table", { name: "SKU mappings" }).textContent).toContain("LAMP-LED · LED lantern");
    expect(screen.getByRole("table", { name: "Orders that could not be imported" }).textContent).toContain("no ship-to country");
  });

  it("lists no SKU that has been mapped since the order was held", () => {
    const mappedSince = {
      ...detailQueries,
      ChannelConnection: {
        ...detailQueries.ChannelConnection,
        channelSkuMappings: {
          edges: [{ node: { id: "M3", channelSku: "SHOP-TENT", product: { id: "P1", sku: "TENT-2P", name: "Two-person tent" } } }],
        },
      },
    };
    renderSignedIn(<ChannelConnection id="CH1" canChange />, mappedSince, {}, merchant);
    const waiting = screen.getByRole("table", { name: "Channel SKUs with no product" });
    expect(waiting.textContent).toContain("None");
    expect(within(waiting).queryByRole("button")).toBeNull();
  });

  it("names an unknown product beside its field and sends nothing; a refusal shows beside the channel SKU", async () => {
    const { sent } = renderSignedIn(
      <ChannelConnection id="CH1" canChange />,
      detailQueries,
      {
        SetChannelSkuMapping: {
          setChannelSkuMapping: {
            channelSkuMapping: null,
            userErrors: [{ field: ["input", "channelSku"], code: "INVALID", message: "Too long." }],
          },
        },
      },
      merchant,
    );
    type("Channel SKU", "SHOP-TENT");
    type("Product SKU", "NOPE");
    fireEvent.click(screen.getByRole("button", { name: "Map SKU" }));
    await waitFor(() => expect(document.getElementById("map-product-sku-error")?.textContent).toBe('No product with SKU "NOPE".'));
    expect(sent).not.toHaveBeenCalledWith("SetChannelSkuMapping", expect.anything());
    type("Product SKU", "TENT-2P");
    fireEvent.click(screen.getByRole("button", { name: "Map SKU" }));
    await waitFor(() => expect(document.getElementById("map-channel-sku-error")?.textContent).toBe("Too long."));
  });

  it("flips one switch, resyncs, and replaces the credentials without ever showing them", async () => {
    const { sent } = renderSignedIn(
      <ChannelConnection id="CH1" canChange />,
      detailQueries,
      {
        UpdateChannelConnection: { updateChannelConnection: { channelConnection: connection, userErrors: [] } },
        ResyncChannel: { resyncChannel: { channelConnection: connection, userErrors: [] } },
      },
      merchant,
    );
    fireEvent.click(within(screen.getByRole("group", { name: "Switches" })).getByRole("checkbox", { name: "Push stock" }));
    await waitFor(() =>
      expect(sent).toHaveBeenCalledWith("UpdateChannelConnection", { input: { id: "CH1", syncInventory: true } }),
    );

    fireEvent.click(screen.getByRole("button", { name: "Resync" }));
    await waitFor(() =>
      expect(document.getElementById("resync-since-error")?.textContent).toBe(
        "Give a time to import from, or ask for a full stock push.",
      ),
    );
    expect(sent).not.toHaveBeenCalledWith("ResyncChannel", expect.anything());
    fireEvent.click(screen.getByRole("checkbox", { name: "Push all stock again" }));
    fireEvent.click(screen.getByRole("button", { name: "Resync" }));
    await waitFor(() =>
      expect(sent).toHaveBeenCalledWith("ResyncChannel", { input: { id: "CH1", ordersSince: null, fullStockPush: true } }),
    );

    type("New consumer key", "ck_new");
    type("New consumer secret", "cs_new");
    fireEvent.click(screen.getByRole("button", { name: "Replace credentials" }));
    await waitFor(() => expect(screen.getByText("Credentials replaced.")).toBeTruthy());
    expect(sent).toHaveBeenCalledWith("UpdateChannelConnection", { input: { id: "CH1", apiKey: "ck_new", apiSecret: "cs_new" } });
    expect((screen.getByLabelText("New consumer key") as HTMLInputElement).value).toBe("");
    expect(document.body.innerHTML).not.toContain("cs_new");
  });

  it("shows staff the client, and looks products up among that client's only", async () => {
    const { sent } = renderSignedIn(<ChannelConnection id="CH1" staff canChange />, detailQueries, {}, staff);
    expect(screen.getByText("ACME · ACME Outdoor")).toBeTruthy();
    expect(sent).toHaveBeenCalledWith("ChannelProductSearch", { search: null, clientId: "C1" });
    type("Channel SKU", "SHOP-TENT");
    type("Product SKU", "BOLT-BEANS");
    fireEvent.click(screen.getByRole("button", { name: "Map SKU" }));
    await waitFor(() => expect(sent).toHaveBeenCalledWith("ChannelProductBySku", { sku: "BOLT-BEANS", clientId: "C1" }));
  });

  it("gives every control drawn from its data a name a screen reader says", () => {
    renderSignedIn(<ChannelConnection id="CH1" canChange />, detailQueries, {}, merchant);
    for (const role of ["button", "link", "textbox", "checkbox", "combobox"] as const)
      expect(screen.queryAllByRole(role, { name: /\S/ })).toHaveLength(screen.queryAllByRole(role).length);
    expect(screen.getAllByRole("button").length).toBeGreaterThan(5);
  });

  it("shows a client viewer the connection and its waiting orders, with nothing to change", () => {
    renderSignedIn(<ChannelConnection id="CH1" />, detailQueries, {}, merchant);
    expect(screen.getByRole("heading", { level: 1 }).textContent).toContain("woo");
    expect(screen.getByRole("link", { name: "woo-1001" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Check connection" })).toBeNull();
    expect(screen.queryByRole("button", { name: /^Map/ })).toBeNull();
    expect(screen.queryByLabelText("Channel SKU")).toBeNull();
  });
});

describe("sales channels, live on import", () => {
  const CLIENT = "1b2c3d4e-0000-4000-8000-000000000001";
  const shop = { ...connection, client: { ...connection.client, id: btoa(`Client:${CLIENT}`) } };
  const listAt = (position: string) => ({
    ...listQueries,
    ChannelConnections: {
      eventPosition: position,
      channelConnections: { edges: [{ node: shop }], pageInfo: { hasNextPage: false, endCursor: null } },
    },
  });
  const detailAt = (position: string) => ({
    ...detailQueries,
    ChannelConnection: { ...detailQueries.ChannelConnection, eventPosition: position, node: { __typename: "ChannelConnection", ...shop } },
  });
  /** An order event: `topic` of an order of `client` with reference `reference`. */
  const orderEvent = (n: number, reference: string, topic = "ORDER_CREATED", client = CLIENT, previous?: string) => ({
    orderEvents: {
      id: `E${n}`,
      position: `P${n}`,
      topic,
      payload: {
        order_id: `0c4a9d6e-0000-4000-8000-00000000000${n % 10}`,
        client_id: client,
        external_reference: reference,
        status: "RECEIVED",
        previous_status: previous,
      },
    },
  });

  function renderList() {
    const queries: Record<string, unknown> = listAt("POSITION-OF-THE-READ");
    const view = renderSignedIn(<SalesChannels canChange />, queries, {}, merchant);
    const reads = () => view.sent.mock.calls.filter(([name]) => name === "ChannelConnections").length;
    return { ...view, queries, reads };
  }

  it("subscribes to order events from the position of its read", async () => {
    const { subscribed } = renderList();

    await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(1));
    expect(subscribed).toHaveBeenCalledWith("ChannelOrderEvents", { after: "POSITION-OF-THE-READ" });
  });

  it("reads the shops again once for a burst of imports, and shows the new counts and last import", async () => {
    const { subscribed, hear, queries, reads } = renderList();
    await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(1));
    const before = reads();
    // when: five orders imported from the shop at once
    const moved = { ...shop, lastImportAt: "2026-12-01T10:05:00Z", counts: { ...shop.counts, imported: 17 } };
    Object.assign(queries, {
      ChannelConnections: {
        eventPosition: "POSITION-2",
        channelConnections: { edges: [{ node: moved }], pageInfo: { hasNextPage: false, endCursor: null } },
      },
    });
    burstClock.hold();
    for (let n = 1; n <= 5; n++) {
      await burstClock.apart(() => hear("ChannelOrderEvents", orderEvent(n, `woo-${2000 + n}`)));
    }
    // then: no read while the burst lasts, and one (not five) once its time has passed
    expect(reads()).toBe(before);
    await burstClock.elapse();
    expect(reads()).toBe(before + 1);
    const row = within(screen.getByRole("table", { name: "Sales channels" })).getAllByRole("row")[1];
    expect(row.textContent).toContain("17 imported · 1 held · 1 failed");
    expect(subscribed).toHaveBeenCalledTimes(1);
  });

  it("does not read again for orders that are not the shops' imports", async () => {
    const { subscribed, hear, reads } = renderList();
    await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(1));
    const before = reads();
    burstClock.hold();
    // when: a hand-made order, another client's order named like the shop's, another
    // shop's import, and a later step of an imported order
    await burstClock.apart(() => hear("ChannelOrderEvents", orderEvent(1, "ACME-1001")));
    await burstClock.apart(() => hear("ChannelOrderEvents", orderEvent(2, "woo-3001", "ORDER_CREATED", "1b2c3d4e-0000-4000-8000-000000000002")));
    await burstClock.apart(() => hear("ChannelOrderEvents", orderEvent(3, "shopify-3002")));
    await burstClock.apart(() => hear("ChannelOrderEvents", orderEvent(4, "woo-2001", "ORDER_ALLOCATED")));
    await burstClock.elapse();
    // then
    expect(reads()).toBe(before);
  });

  it("reads the shops again when a held import is released (it counts as imported from then)", async () => {
    const { subscribed, hear, reads } = renderList();
    await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(1));
    const before = reads();
    burstClock.hold();
    // when: a hand-made order released from hold (nothing to count), then the shop's
    await burstClock.apart(() => hear("ChannelOrderEvents", orderEvent(1, "ACME-1001", "ORDER_ALLOCATED", CLIENT, "ON_HOLD")));
    await burstClock.elapse();
    expect(reads()).toBe(before);
    await burstClock.apart(() => hear("ChannelOrderEvents", orderEvent(2, "woo-1001", "ORDER_ALLOCATED", CLIENT, "ON_HOLD")));
    // then
    await burstClock.elapse();
    expect(reads()).toBe(before + 1);
  });

  it("reads afresh when its position is refused, and subscribes from the new read's", async () => {
    const { subscribed, refuse, queries, reads } = renderList();
    await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(1));
    const before = reads();
    // when
    Object.assign(queries, listAt("POSITION-2"));
    refuse("ChannelOrderEvents", "EVENT_POSITION_EXPIRED");
    // then
    await waitFor(() => expect(reads()).toBe(before + 1));
    await waitFor(() => expect(subscribed).toHaveBeenCalledTimes(2));
    expect(subscribed).toHaveBeenLastCalledWith("ChannelOrderEvents", { after: "POSITION-2" });
  });

  it("reads a shop's page again for its imports (a held one too), not for others", async () => {
    const queries: Record<string, unknown> = detailAt("POSITION-OF-THE-READ");
    const { subscribed, hear, sent } = renderSignedIn(<ChannelConnection id="CH1" canChange />, queries, {}, merchant);
    const reads = () => sent.mock.calls.filter(([name]) => name === "ChannelConnection").length;
    await waitFor(() => expect(subscribed).toHaveBeenCalledWith("ChannelOrderEvents", { after: "POSITION-OF-THE-READ" }));
    const before = reads();
    burstClock.hold();
    // when: another shop's import
    await burstClock.apart(() => hear("ChannelOrderEvents", orderEvent(1, "shopify-9")));
    await burstClock.elapse();
    expect(reads()).toBe(before);
    // and its own (held for an unmapped SKU: created, then held), each heard in its own render
    await burstClock.apart(() => hear("ChannelOrderEvents", orderEvent(2, "woo-1002")));
    await burstClock.apart(() => hear("ChannelOrderEvents", orderEvent(3, "woo-1002", "ORDER_HELD")));
    // then: one read (not two) once the burst's time has passed
    expect(reads()).toBe(before);
    await burstClock.elapse();
    expect(reads()).toBe(before + 1);
  });

  it("tells its imports from a shop named after it (woo-eu) by the connection the event names", async () => {
    const WOO = "5a000000-0000-4000-8000-000000000001";
    const WOO_EU = "5a000000-0000-4000-8000-000000000002";
    const named = (n: number, reference: string, connection: string | null) => {
      const event = orderEvent(n, reference);
      return { orderEvents: { ...event.orderEvents, payload: { ...event.orderEvents.payload, channel_connection_id: connection } } };
    };
    const id = btoa(`ChannelConnection:${WOO}`);
    const queries: Record<string, unknown> = {
      ...detailQueries,
      ChannelConnection: { ...detailQueries.ChannelConnection, eventPosition: "P0", node: { __typename: "ChannelConnection", ...shop, id } },
    };
    const { subscribed, hear, sent } = renderSignedIn(<ChannelConnection id={id} canChange />, queries, {}, merchant);
    const reads = () => sent.mock.calls.filter(([name]) => name === "ChannelConnection").length;
    await waitFor(() => expect(subscribed).toHaveBeenCalledWith("ChannelOrderEvents", { after: "P0" }));
    const before = reads();
    burstClock.hold();
    // when: woo-eu's import ("woo-eu-1001" starts with "woo-"), and a hand-made "woo-1003"
    await burstClock.apart(() => hear("ChannelOrderEvents", named(1, "woo-eu-1001", WOO_EU)));
    await burstClock.apart(() => hear("ChannelOrderEvents", named(2, "woo-1003", null)));
    await burstClock.elapse();
    // then: neither is its import
    expect(reads()).toBe(before);
    // when: its own
    await burstClock.apart(() => hear("ChannelOrderEvents", named(3, "woo-1004", WOO)));
    await burstClock.elapse();
    // then
    expect(reads()).toBe(before + 1);
  });
});
