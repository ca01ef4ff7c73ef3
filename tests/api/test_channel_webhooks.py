"""WooCommerce webhooks through the app: signature first, one order per channel order."""

from __future__ import annotations

import logging
import uuid

from domain.channels.models import ChannelOrderStatus
from domain.orders.models import HoldReason, OrderStatus
from tests.channel_factories import ChannelWorld, channel_world
from tests.factories import global_id

__all__ = ["channel_world"]

RELEASE = """mutation($id: ID!) { releaseOrderHold(input: {id: $id}) {
  order { status lines { sku quantity allocatedQuantity } } userErrors { field code message } } }"""
MAP = """mutation($input: SetChannelSkuMappingInput!) { setChannelSkuMapping(input: $input) {
  channelSkuMapping { id channelSku product { sku } } userErrors { field code message } } }"""


def connected(world: ChannelWorld) -> tuple[str, str]:
    made = world.connect()
    assert made["userErrors"] == []
    return made["channelConnection"]["webhookPath"], made["webhookSecret"]


def test_a_signed_order_webhook_makes_one_allocated_order(channel_world):
    # given
    path, secret = connected(channel_world)
    order = channel_world.shop.place_order([("SKU-1", 2)])
    headers, body = channel_world.shop.webhook(order, secret, "order.created")
    # when
    first = channel_world.post_webhook(path, headers, body)
    again = channel_world.post_webhook(path, headers, body)
    # then
    assert first.status_code == 200
    assert first.json()["imported"] == 1
    assert again.json()["outcomes"] == {"duplicate": 1}
    orders = channel_world.orders()
    assert [(o.external_reference, o.status) for o in orders] == [
        (f"woo-{order['id']}", OrderStatus.ALLOCATED)
    ]
    assert orders[0].client_id == channel_world.tenant.clients["A"].id
    assert orders[0].ship_to.city == "Boulder"


def test_a_bad_or_missing_signature_is_refused_and_the_body_is_not_logged(channel_world, caplog):
    # given
    path, _secret = connected(channel_world)
    order = channel_world.shop.place_order([("SKU-1", 1)], customer_note="SECRET-BODY-TEXT")
    headers, body = channel_world.shop.webhook(order, "not-the-secret")
    missing = {k: v for k, v in headers.items() if k != "X-WC-Webhook-Signature"}
    # when
    with caplog.at_level(logging.INFO):
        bad = channel_world.post_webhook(path, headers, body)
        unsigned = channel_world.post_webhook(path, missing, body)
        unknown = channel_world.post_webhook(path[:-8] + "00000000", headers, body)
    # then
    assert [bad.status_code, unsigned.status_code, unknown.status_code] == [401, 401, 401]
    assert bad.json() == unknown.json()
    assert channel_world.orders() == []
    assert "SECRET-BODY-TEXT" not in caplog.text
    assert "webhook refused" in caplog.text


def test_an_older_version_arriving_late_changes_nothing(channel_world):
    # given an order, then its cancellation, delivered in reverse
    path, secret = connected(channel_world)
    placed = channel_world.shop.place_order([("SKU-1", 1)], date_modified_gmt="2026-11-30T10:00:00")
    cancelled = dict(placed, status="cancelled", date_modified_gmt="2026-11-30T10:05:00")
    # when
    channel_world.post_webhook(path, *channel_world.shop.webhook(cancelled, secret))
    late = channel_world.post_webhook(path, *channel_world.shop.webhook(placed, secret))
    # then: a cancelled order never seen open is not imported, and the late open one neither
    assert late.json()["outcomes"] == {"duplicate": 1}
    assert channel_world.orders() == []
    assert [c.status for c in channel_world.channel_orders()] == [ChannelOrderStatus.SKIPPED]


def subscribed(world: ChannelWorld, copies: int = 1) -> tuple[str, str]:
    """A connection whose shop delivers its webhooks to the app, each `copies` times."""
    path, secret = connected(world)
    world.shop.subscribe(lambda h, body: world.post_webhook(path, h, body).status_code, secret)
    world.shop.duplicate_webhooks(copies - 1)
    return path, secret


def test_duplicated_and_reordered_deliveries_make_one_order_of_the_newest_version(
    channel_world,
):
    # given a shop delivering every webhook three times, held back and sent newest first
    world = channel_world
    subscribed(world, copies=3)
    world.shop.hold_webhooks()
    # when an order is placed, then its address corrected five minutes later
    placed = world.shop.place_order([("SKU-1", 2)], date_modified_gmt="2026-11-30T10:00:00")
    shipping = dict(placed["shipping"], city="Denver")
    world.shop.change_order(
        placed["id"], shipping=shipping, date_modified_gmt="2026-11-30T10:05:00"
    )
    sent = world.shop.release_webhooks()
    # then all six deliveries were taken, and they made one order, of the newer version
    assert sent == [200] * 6
    [order] = world.orders()
    assert (order.external_reference, order.status) == (
        f"woo-{placed['id']}",
        OrderStatus.ALLOCATED,
    )
    assert order.ship_to.city == "Denver"
    [row] = world.channel_orders()
    assert row.status is ChannelOrderStatus.IMPORTED


def test_a_duplicated_cancellation_cancels_the_one_order_once(channel_world):
    # given a shop delivering every webhook twice, in order
    world = channel_world
    subscribed(world, copies=2)
    placed = world.shop.place_order([("SKU-1", 1)], date_modified_gmt="2026-11-30T10:00:00")
    # when the merchant cancels it
    world.shop.change_order(
        placed["id"], status="cancelled", date_modified_gmt="2026-11-30T10:05:00"
    )
    # then one order was made and cancelled; every delivery was accepted
    assert world.shop.delivered == [200] * 4
    assert [o.status for o in world.orders()] == [OrderStatus.CANCELLED]
    assert len(world.channel_orders()) == 1


def test_a_cancellation_in_the_shop_cancels_the_order(channel_world):
    # given
    path, secret = connected(channel_world)
    placed = channel_world.shop.place_order([("SKU-1", 1)], date_modified_gmt="2026-11-30T10:00:00")
    channel_world.post_webhook(path, *channel_world.shop.webhook(placed, secret))
    cancelled = dict(placed, status="cancelled", date_modified_gmt="2026-11-30T10:05:00")
    # when
    answer = channel_world.post_webhook(path, *channel_world.shop.webhook(cancelled, secret))
    # then
    assert answer.json()["outcomes"] == {"updated": 1}
    assert [o.status for o in channel_world.orders()] == [OrderStatus.CANCELLED]


def test_an_unmapped_sku_holds_the_order_until_mapped(channel_world):
    # given
    path, secret = connected(channel_world)
    order = channel_world.shop.place_order([("SKU-1", 1), ("SHOP-LANTERN", 3)])
    channel_world.post_webhook(path, *channel_world.shop.webhook(order, secret))
    [held] = channel_world.orders()
    [hold] = channel_world.holds(held.id)
    hold_id = global_id("OrderHold", hold.id)
    # then it waits, saying which SKU
    assert held.status is OrderStatus.ON_HOLD
    assert hold.reason is HoldReason.UNMAPPED_SKU
    assert "SHOP-LANTERN" in (hold.note or "")
    assert [c.status for c in channel_world.channel_orders()] == [ChannelOrderStatus.HELD]
    # when released before mapping: refused, naming the SKU
    refused = channel_world.gql(RELEASE, {"id": hold_id}, key=channel_world.tenant.key)
    assert refused["data"]["releaseOrderHold"]["userErrors"][0]["code"] == "UNMAPPED_SKU"
    assert "SHOP-LANTERN" in refused["data"]["releaseOrderHold"]["userErrors"][0]["message"]
    # when mapped (by the client itself) and released
    connection_id = channel_world.gql(
        "{ channelConnections { edges { node { id } } } }", key=channel_world.tenant.key
    )["data"]["channelConnections"]["edges"][0]["node"]["id"]
    mapping = {
        "connectionId": connection_id,
        "channelSku": "SHOP-LANTERN",
        "productId": global_id("Product", channel_world.products["SKU-2"]),
    }
    client_key = channel_world.tenant.clients["A"].key
    mapped = channel_world.gql(MAP, {"input": mapping}, key=client_key)["data"]
    # then mapping the last unknown SKU released the order at once
    assert mapped["setChannelSkuMapping"]["userErrors"] == []
    assert [o.status for o in channel_world.orders()] == [OrderStatus.ALLOCATED]
    # and releasing by hand afterwards changes nothing
    released = channel_world.gql(RELEASE, {"id": hold_id}, key=client_key)["data"]
    assert released["releaseOrderHold"] == {
        "order": {
            "status": "ALLOCATED",
            "lines": [
                {"sku": "SKU-1", "quantity": 1, "allocatedQuantity": 1},
                {"sku": "SKU-2", "quantity": 3, "allocatedQuantity": 3},
            ],
        },
        "userErrors": [],
    }
    assert [c.status for c in channel_world.channel_orders()] == [ChannelOrderStatus.IMPORTED]


def test_a_malformed_order_is_recorded_as_an_import_error(channel_world):
    # given an order with no address at all, one with a negative quantity, and one whose
    # id is longer than any shop's (PostgreSQL refused to store it: a 500, not a record)
    path, secret = connected(channel_world)
    no_address = channel_world.shop.place_order([("SKU-1", 1)], shipping={})
    negative = channel_world.shop.place_order([("SKU-1", 1)])
    negative["line_items"][0]["quantity"] = -2
    long_id = channel_world.shop.place_order([("SKU-1", 1)], id="9" * 100)
    # when
    answers = [
        channel_world.post_webhook(path, *channel_world.shop.webhook(order, secret))
        for order in (no_address, negative, long_id)
    ]
    # then
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert channel_world.orders() == []
    rows = channel_world.channel_orders()
    assert [r.status for r in rows] == [ChannelOrderStatus.FAILED] * 3
    assert "9" * 64 in {r.channel_order_id for r in rows}
    assert all(r.error for r in rows)
    connection = channel_world.connection(uuid.UUID(path.rsplit("/", 1)[1]))
    assert connection.last_error is not None
    assert "an order id of 1 to 64 characters" in connection.last_error
