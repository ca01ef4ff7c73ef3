"""A page of channel connections with their counts costs the same statements at any size."""

from __future__ import annotations

from tests.api.test_orders_statements import counting
from tests.channel_factories import channel_world

__all__ = ["channel_world"]

PAGE = """query($first: Int) { channelConnections(first: $first) { edges { node {
  name lastImportAt lagSeconds client { code } warehouse { code }
  counts { imported held failed stockPending shipmentsReported stockPushes } } } } }"""
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
