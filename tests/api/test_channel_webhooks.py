"""WooCommerce webhooks through the app: signature first, one order per channel order."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select

from domain.channels.models import ChannelOrderStatus
from domain.orders.models import HoldReason, OrderLine, OrderStatus
from tests.channel_factories import ChannelWorld, channel_world
from tests.factories import global_id, make_tenant

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


def test_lines_map_by_exact_sku_by_default_and_by_channel_sku_or_variant_id(channel_world):
    # given: SKU-1 as Crossdock names it, a shop SKU mapped to SKU-2, a line with no SKU
    # whose variant is mapped, and one whose variant is not
    world = channel_world
    path, secret = connected(world)
    connection_id = world.gql(
        "{ channelConnections { edges { node { id } } } }", key=world.tenant.key
    )["data"]["channelConnections"]["edges"][0]["node"]["id"]

    def map_to(channel_sku: str, sku: str) -> None:
        mapping = {"connectionId": connection_id, "channelSku": channel_sku,
                   "productId": global_id("Product", world.products[sku])}  # fmt: skip
        answer = world.gql(MAP, {"input": mapping}, key=world.tenant.key)["data"]
        assert answer["setChannelSkuMapping"]["userErrors"] == []

    map_to("SHOP-BLUE", "SKU-2")
    map_to("variant:77", "SKU-2")
    order = world.shop.place_order([("SKU-1", 1), ("SHOP-BLUE", 1), ("", 1), ("", 4)])
    order["line_items"][2]["variation_id"] = 77
    order["line_items"][3]["variation_id"] = 78
    # when it arrives
    world.post_webhook(path, *world.shop.webhook(order, secret))
    # then it waits for the one unknown variant only, named as a mapping would name it
    [held] = world.orders()
    [hold] = world.holds(held.id)
    assert hold.note == "Unmapped channel SKUs: variant:78"
    # when that variant is mapped
    map_to("variant:78", "SKU-1")
    # then the order is released with the lines merged per product
    with world.uow() as uow:
        lines = uow.session.scalars(
            select(OrderLine).where(OrderLine.order_id == held.id).order_by(OrderLine.sku)
        ).all()
        assert [(line.sku, line.quantity) for line in lines] == [("SKU-1", 5), ("SKU-2", 2)]
    assert [o.status for o in world.orders()] == [OrderStatus.ALLOCATED]


def test_a_mapping_wins_over_the_exact_sku(channel_world):
    # given the shop's SKU-1 is, for this shop, Crossdock's SKU-2
    world = channel_world
    path, secret = connected(world)
    connection_id = world.gql(
        "{ channelConnections { edges { node { id } } } }", key=world.tenant.key
    )["data"]["channelConnections"]["edges"][0]["node"]["id"]
    mapping = {"connectionId": connection_id, "channelSku": "SKU-1",
               "productId": global_id("Product", world.products["SKU-2"])}  # fmt: skip
    world.gql(MAP, {"input": mapping}, key=world.tenant.key)
    # when an order of SKU-1 arrives
    order = world.shop.place_order([("SKU-1", 2)])
    world.post_webhook(path, *world.shop.webhook(order, secret))
    # then it is an order of SKU-2
    [made] = world.orders()
    with world.uow() as uow:
        [line] = uow.session.scalars(select(OrderLine).where(OrderLine.order_id == made.id))
        assert (line.sku, line.quantity) == ("SKU-2", 2)


def test_a_webhook_imports_only_into_its_own_connections_client(channel_world):
    # given shops of client A (X) and client B (Y), each with its own signing secret
    world = channel_world
    x = world.connect()
    y = world.connect(client="B", name="woo-b")
    x_path, x_secret = x["channelConnection"]["webhookPath"], x["webhookSecret"]
    y_path, y_secret = y["channelConnection"]["webhookPath"], y["webhookSecret"]
    assert x_secret != y_secret
    order = world.shop.place_order([("SKU-B", 1)])
    provider_id = x_path.rsplit("/", 2)[1]
    elsewhere = make_tenant(world.db, "Elsewhere")
    # when B's secret signs a delivery to A's shop, A's is sent under another provider's
    # address or as another platform's, and B's is sent to B
    refused = [
        world.post_webhook(x_path, *world.shop.webhook(order, y_secret)),
        world.post_webhook(
            x_path.replace(provider_id, str(elsewhere.provider_id)),
            *world.shop.webhook(order, x_secret),
        ),
        world.post_webhook(
            x_path.replace("/woocommerce/", "/shopify/"), *world.shop.webhook(order, x_secret)
        ),
    ]
    accepted = world.post_webhook(y_path, *world.shop.webhook(order, y_secret))
    # then only the last one made an order, B's, through B's connection
    assert [answer.status_code for answer in refused] == [401, 401, 401]
    assert accepted.status_code == 200
    [made] = world.orders()
    assert made.client_id == world.tenant.clients["B"].id
    assert made.external_reference == f"woo-b-{order['id']}"
    [row] = world.channel_orders()
    assert str(row.connection_id) == y_path.rsplit("/", 1)[1]


ROTATE = """mutation($id: ID!) { updateChannelConnection(input: {id: $id,
  rotateWebhookSecret: true}) { webhookSecret userErrors { field code } } }"""


def test_a_lost_webhook_secret_is_replaced_and_the_old_one_refused(channel_world):
    # given a connection whose webhook secret the merchant lost
    world = channel_world
    made = world.connect()
    path, old = made["channelConnection"]["webhookPath"], made["webhookSecret"]
    # when a new one is made
    rotated = world.gql(ROTATE, {"id": made["channelConnection"]["id"]}, key=world.tenant.key)
    answer = rotated["data"]["updateChannelConnection"]
    new = answer["webhookSecret"]
    # then it is shown once, and only deliveries signed with it are taken
    assert answer["userErrors"] == []
    assert new
    assert new != old
    order = world.shop.place_order([("SKU-1", 1)])
    assert world.post_webhook(path, *world.shop.webhook(order, old)).status_code == 401
    assert world.post_webhook(path, *world.shop.webhook(order, new)).status_code == 200
    assert len(world.orders()) == 1
    plain = world.gql(
        'mutation($id: ID!) { updateChannelConnection(input: {id: $id, name: "woo2"}) {'
        " webhookSecret userErrors { code } } }",
        {"id": made["channelConnection"]["id"]},
        key=world.tenant.key,
    )["data"]["updateChannelConnection"]
    assert plain == {"webhookSecret": None, "userErrors": []}
