"""A page of channel connections with their counts, and the web app's page of one shop with its
held orders, cost the same statements at any size."""

from __future__ import annotations

from tests.api.test_orders_statements import counting
from tests.channel_factories import channel_world

__all__ = ["channel_world"]

PAGE = """query($first: Int) { channelConnections(first: $first) { edges { node {
  name lastImportAt lagSeconds client { code } warehouse { code }
  counts { imported held failed stockPending shipmentsReported stockPushes } } } } }"""
PRODUCT_ID = """query($sku: String!) { products(first: 1, filter: {sku: $sku}) {
  edges { node { id } } } }"""
MOST = 10
"""Measured 6 on SQLite and 8 on PostgreSQL (transaction settings): authentication, the
page, its clients, its warehouses, and the two grouped counts."""


def test_a_page_of_12_connections_costs_what_a_page_of_2_does(channel_world):
    # given: twelve connections, each with an imported order
    world = channel_world
    for number in range(12):
        made = world.connect(name=f"shop-{number}")
        path, secret = made["channelConnection"]["webhookPath"], made["webhookSecret"]
        order = world.shop.place_order([("SKU-1", 1)])
        assert world.post_webhook(path, *world.shop.webhook(order, secret)).status_code == 200
    engine = world.http.app.state.session_factory.kw["bind"]
    # when
    counts = {}
    for size in (2, 12):
        with counting(engine) as statements:
            page = world.gql(PAGE, {"first": size}, key=world.tenant.key)
        edges = page["data"]["channelConnections"]["edges"]
        assert len(edges) == size
        assert all(edge["node"]["counts"]["imported"] == 1 for edge in edges)
        assert all(edge["node"]["lastImportAt"] for edge in edges)
        counts[size] = len(statements)
    # then
    assert counts[2] == counts[12]
    assert counts[12] <= MOST, counts


SHOP_PAGE = """query($id: ID!) {
  node(id: $id) { ... on ChannelConnection { name shopName lagSeconds lastImportAt lastError
    client { code } warehouse { code } counts { imported held failed stockPending } } }
  channelSkuMappings(first: 100, filter: {connectionId: $id}) { edges { node {
    channelSku product { sku name } } } }
  channelOrders(first: 50, filter: {connectionId: $id, status: [HELD, FAILED]}) { edges { node {
    channelOrderId status error order { id externalReference status
      holds { reason note releasedAt } } } } } }"""
"""What the web app's page of one shop asks (web/src/pages/channels/channelDocuments.ts)."""
SHOP_PAGE_MOST = 12
"""Measured 10 on SQLite and 11 on PostgreSQL: authentication, the connection, its client,
warehouse and counts, the mappings and their products, the channel orders, their orders and
their holds."""


def test_a_shops_page_with_12_held_orders_costs_what_one_with_2_does(channel_world):
    # given: a shop with a mapping, and 2 then 12 orders held for SKUs the catalog lacks
    world = channel_world
    made = world.connect()
    connection = made["channelConnection"]["id"]
    path, secret = made["channelConnection"]["webhookPath"], made["webhookSecret"]
    map_sku = """mutation($input: SetChannelSkuMappingInput!) { setChannelSkuMapping(input: $input) {
      userErrors { code } } }"""
    sku_2 = world.gql(PRODUCT_ID, {"sku": "SKU-2"}, key=world.tenant.key)["data"]["products"]
    mapping = {
        "connectionId": connection,
        "channelSku": "OLD-2",
        "productId": sku_2["edges"][0]["node"]["id"],
    }
    assert (
        world.gql(map_sku, {"input": mapping}, key=world.tenant.key)["data"][
            "setChannelSkuMapping"
        ]["userErrors"]
        == []
    )
    engine = world.http.app.state.session_factory.kw["bind"]
    counts = {}
    for held in (2, 12):
        while len(world.channel_orders()) < held:
            order = world.shop.place_order([(f"SHOP-ONLY-{len(world.channel_orders())}", 1)])
            assert world.post_webhook(path, *world.shop.webhook(order, secret)).status_code == 200
        # when
        with counting(engine) as statements:
            page = world.gql(SHOP_PAGE, {"id": connection}, key=world.tenant.key)
        # then
        assert "errors" not in page, page
        listed = page["data"]["channelOrders"]["edges"]
        assert len(listed) == held
        assert all(e["node"]["order"]["holds"][0]["reason"] == "UNMAPPED_SKU" for e in listed)
        assert page["data"]["node"]["counts"]["held"] == held
        counts[held] = len(statements)
    assert counts[2] == counts[12]
    assert counts[12] <= SHOP_PAGE_MOST, counts
