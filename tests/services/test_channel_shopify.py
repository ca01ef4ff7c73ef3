"""Shopify as a fulfillment service against the fake shop: registration, requests accepted,
cancellations answered by state, fulfillments with tracking, stock, and its cost meter."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from adapters.channels.shopify import ShopifyChannel, signature
from domain.channels.adapter import PermanentChannelError, StockLevel, TransientChannelError
from domain.orders.fulfillment import mark_packed, mark_shipped, start_picking
from domain.orders.models import FulfillmentOrder, OrderStatus
from domain.outbox.events import Topic
from services.channel_imports import check_connection, poll_connection
from services.channel_syncs import report_shipment
from tests.channel_factories import ChannelWorld, row_id, shopify_world
from tests.fakes.shop_base import BackgroundServer
from tests.fakes.shopify_server import FakeShopify

__all__ = ["shopify_world"]


def registered(world: ChannelWorld) -> uuid.UUID:
    made = world.connect()
    assert made["userErrors"] == []
    assert made["webhookSecret"] is None  # Shopify signs with the app's client secret
    connection_id = row_id(made["channelConnection"]["id"])
    check_connection(world.uow, connection_id)
    return connection_id


def ship(world: ChannelWorld, order_id: uuid.UUID, tracking: str) -> None:
    with world.uow() as uow:
        fo_id = uow.session.scalars(
            select(FulfillmentOrder.id).where(FulfillmentOrder.order_id == order_id)
        ).one()
        start_picking(uow, fo_id)
        mark_packed(uow, fo_id)
        mark_shipped(uow, fo_id, "UPS", tracking)
        uow.commit()


def test_check_registers_the_fulfillment_service_once(shopify_world):
    world = shopify_world
    connection_id = registered(world)
    found = check_connection(world.uow, connection_id)
    assert len(world.shop.services) == 1
    assert found.shop_name == "Fake Outdoor"
    assert world.connection(connection_id).settings["location_id"] == world.shop.location_id


def test_requests_are_imported_and_accepted_once(shopify_world):
    # given two requested fulfillment orders
    world = shopify_world
    connection_id = registered(world)
    first = world.shop.place_order([("SKU-1", 2)])
    second = world.shop.place_order([("SKU-1", 1), ("SKU-2", 1)])
    # when polled twice
    imported = poll_connection(world.uow, connection_id)
    again = poll_connection(world.uow, connection_id)
    # then both are Crossdock orders, accepted in the shop, and nothing is doubled
    assert imported.imported == 2
    assert again.imported == 0
    statuses = {fo["id"]: fo["requestStatus"] for fo in world.shop.fulfillment_orders.values()}
    assert statuses == {first["id"]: "ACCEPTED", second["id"]: "ACCEPTED"}
    orders = world.orders()
    number = first["id"].rsplit("/", 1)[1]
    assert f"shopify-{number}" in {o.external_reference for o in orders}
    assert {o.status for o in orders} == {OrderStatus.ALLOCATED}


def test_a_signed_notification_asks_for_a_poll_and_a_forged_one_is_refused(shopify_world):
    world = shopify_world
    made = world.connect()
    path = made["channelConnection"]["webhookPath"]
    headers, body = world.shop.notification()
    forged = dict(headers, **{"X-Shopify-Hmac-Sha256": "bm90IGl0"})
    assert world.post_webhook(path, forged, body).status_code == 401
    assert world.events(Topic.CHANNEL_SYNC_REQUESTED.value) == []
    assert world.post_webhook(path, headers, body).status_code == 200
    [event] = world.events(Topic.CHANNEL_SYNC_REQUESTED.value)
    assert event.payload["poll"] is True


def number(fulfillment_order: dict) -> str:
    """The Crossdock reference's part of a fulfillment order's gid."""
    return fulfillment_order["id"].rsplit("/", 1)[1]


def test_duplicated_and_reordered_notifications_take_each_request_once(shopify_world):
    # given a shop delivering every notification three times, held back, sent newest first
    world = shopify_world
    connection_id = registered(world)
    path = f"/channels/shopify/webhook/{world.tenant.provider_id}/{connection_id}"
    world.shop.subscribe(lambda headers, body: world.post_webhook(path, headers, body).status_code)
    world.shop.duplicate_webhooks(2)
    world.shop.hold_webhooks()
    # when two orders are placed, and the first one's cancellation requested
    first = world.shop.place_order([("SKU-1", 1)])
    second = world.shop.place_order([("SKU-2", 1)])
    world.shop.request_cancellation(first["id"])
    assert world.shop.release_webhooks() == [200] * 9
    # and the worker runs the poll each notification asked for
    requests = world.events(Topic.CHANNEL_SYNC_REQUESTED.value)
    assert len(requests) == 1 + 9  # the first check's, then one per notification
    for _ in requests:
        poll_connection(world.uow, connection_id)
    # then the second is one order, accepted; the first was called off before it was taken
    assert [o.external_reference for o in world.orders()] == [f"shopify-{number(second)}"]
    fos = world.shop.fulfillment_orders
    assert fos[second["id"]]["requestStatus"] == "ACCEPTED"
    assert (fos[first["id"]]["status"], fos[first["id"]]["requestStatus"]) == (
        "CANCELLED", "CANCELLATION_ACCEPTED",
    )  # fmt: skip


def test_a_malformed_fulfillment_order_is_an_import_error_and_the_rest_come_in(shopify_world):
    # given a good request, one whose line is unreadable and one with no address
    world = shopify_world
    connection_id = registered(world)
    good = world.shop.place_order([("SKU-1", 1)])
    unreadable = world.shop.place_order([("SKU-1", 1)])
    world.shop.fulfillment_orders[unreadable["id"]]["lineItems"]["nodes"][0][
        "remainingQuantity"
    ] = "lots"
    nowhere = world.shop.place_order([("SKU-2", 1)], destination=None)
    # when polled
    summary = poll_connection(world.uow, connection_id)
    # then the good one is an order; the others are failed imports, nothing half-made
    assert (summary.imported, summary.malformed) == (1, 1)
    assert [o.external_reference for o in world.orders()] == [f"shopify-{number(good)}"]
    failed = {r.channel_order_id: r for r in world.channel_orders() if r.order_id is None}
    assert set(failed) == {number(unreadable), number(nowhere)}
    assert "Unreadable Shopify fulfillment order" in (failed[number(unreadable)].error or "")
    assert failed[number(nowhere)].error
    assert world.connection(connection_id).last_error
    # and neither was accepted: Shopify keeps them listed for a fixed version
    fos = world.shop.fulfillment_orders
    assert [fos[o["id"]]["requestStatus"] for o in (good, unreadable, nowhere)] == [
        "ACCEPTED", "SUBMITTED", "SUBMITTED",
    ]  # fmt: skip


def test_a_notification_signed_with_another_connections_secret_is_refused(shopify_world):
    # given A's connection (the shop's app secret) and B's (another app's secret)
    world = shopify_world
    a = world.connect()["channelConnection"]["webhookPath"]
    b = world.connect(client="B", name="shopify-b", apiSecret="shpss_other")
    b_path = b["channelConnection"]["webhookPath"]
    headers, body = world.shop.notification()
    b_signed = dict(headers, **{"X-Shopify-Hmac-Sha256": signature("shpss_other", body)})
    # when each is sent to the other's address, and to its own
    crossed = [world.post_webhook(a, b_signed, body), world.post_webhook(b_path, headers, body)]
    own = [world.post_webhook(a, headers, body), world.post_webhook(b_path, b_signed, body)]
    # then only each connection's own secret is accepted, and asks a poll of that one only
    assert [answer.status_code for answer in crossed] == [401, 401]
    assert [answer.status_code for answer in own] == [200, 200]
    polls = sorted(
        e.payload["connection_id"] for e in world.events(Topic.CHANNEL_SYNC_REQUESTED.value)
    )
    assert polls == sorted([a.rsplit("/", 1)[1], b_path.rsplit("/", 1)[1]])


def test_a_shop_unreachable_for_a_while_is_caught_up_with_nothing_lost_or_doubled(
    shopify_world,
):
    # given a registered shop with one request taken
    world = shopify_world
    connection_id = registered(world)
    world.shop.place_order([("SKU-1", 1)])
    assert poll_connection(world.uow, connection_id).imported == 1
    # when it is down while two more requests are submitted
    world.shop.down()
    missed = [world.shop.place_order([("SKU-1", 1)]) for _ in range(2)]
    with pytest.raises(TransientChannelError):
        poll_connection(world.uow, connection_id)
    assert "503" in (world.connection(connection_id).last_error or "")
    # then, back, one poll takes both, and another finds nothing new
    world.shop.up()
    assert poll_connection(world.uow, connection_id).imported == 2
    assert poll_connection(world.uow, connection_id).imported == 0
    references = sorted(o.external_reference for o in world.orders())
    assert len(references) == len(set(references)) == 3
    assert {f"shopify-{number(o)}" for o in missed} <= set(references)


def test_a_shopify_connection_has_no_webhook_secret_to_rotate(shopify_world):
    world = shopify_world
    made = world.connect()["channelConnection"]["id"]
    answer = world.gql(
        """mutation($id: ID!) { updateChannelConnection(input: {id: $id,
        rotateWebhookSecret: true}) { webhookSecret userErrors { field code } } }""",
        {"id": made},
        key=world.tenant.key,
    )["data"]["updateChannelConnection"]
    assert answer == {
        "webhookSecret": None,
        "userErrors": [{"field": ["rotateWebhookSecret"], "code": "INVALID"}],
    }


def test_a_shipment_creates_the_fulfillment_with_tracking(shopify_world):
    world = shopify_world
    connection_id = registered(world)
    placed = world.shop.place_order([("SKU-1", 1)])
    poll_connection(world.uow, connection_id)
    [order] = world.orders()
    ship(world, order.id, "1ZSHOP")
    [event] = world.events(Topic.FULFILLMENT_SHIPPED.value)
    assert report_shipment(world.uow, event.id) is True
    [fulfillment] = world.shop.fulfillments
    assert fulfillment["fulfillmentOrderId"] == placed["id"]
    assert fulfillment["trackingInfo"] == [{"company": "UPS", "number": "1ZSHOP"}]
    assert world.shop.fulfillment_orders[placed["id"]]["status"] == "CLOSED"


def test_cancellation_requests_are_honoured_or_refused_by_state(shopify_world):
    # given one order waiting and one shipped
    world = shopify_world
    connection_id = registered(world)
    waiting = world.shop.place_order([("SKU-1", 1)])
    shipped = world.shop.place_order([("SKU-1", 1)])
    poll_connection(world.uow, connection_id)
    by_ref = {o.external_reference: o for o in world.orders()}
    ship(world, by_ref[f"shopify-{shipped['id'].rsplit('/', 1)[1]}"].id, "1ZLATE")
    # when the merchant asks to cancel both
    world.shop.request_cancellation(waiting["id"])
    world.shop.request_cancellation(shipped["id"])
    poll_connection(world.uow, connection_id)
    # then the waiting one is cancelled in both places; the shipped one's request refused
    fos = world.shop.fulfillment_orders
    assert (fos[waiting["id"]]["status"], fos[waiting["id"]]["requestStatus"]) == (
        "CANCELLED", "CANCELLATION_ACCEPTED",
    )  # fmt: skip
    assert fos[shipped["id"]]["requestStatus"] == "CANCELLATION_REJECTED"
    statuses = {o.external_reference: o.status for o in world.orders()}
    assert statuses[f"shopify-{waiting['id'].rsplit('/', 1)[1]}"] is OrderStatus.CANCELLED
    assert statuses[f"shopify-{shipped['id'].rsplit('/', 1)[1]}"] is OrderStatus.SHIPPED


def test_stock_is_set_at_crossdocks_location(shopify_world):
    world = shopify_world
    registered(world)
    shop = ShopifyChannel(world.shop_url, "shpat_fake", "shpss_fake")
    assert shop.set_stock([StockLevel("SKU-1", 7), StockLevel("UNKNOWN", 1)]) == 1
    assert world.shop.stock_of("SKU-1") == 7
    assert world.shop.stock_of("SKU-2") is None


def test_a_refusal_echoing_the_token_is_kept_without_it(shopify_world):
    world = shopify_world
    registered(world)
    echoed = {"errors": [{"message": "Invalid token shpat_fake for app shpss_fake"}]}
    world.shop.add_fault(remaining=1, status=200, body=echoed)
    adapter = ShopifyChannel(world.shop_url, "shpat_fake", "shpss_fake")
    with pytest.raises(PermanentChannelError) as refused:
        adapter.orders_since(None)
    assert refused.value.message == (
        "Shopify refused the query: Invalid token [redacted] for app [redacted]"
    )


def test_the_cost_meter_is_respected_by_waiting():
    # given a shop whose bucket holds two pages and refills slowly
    shop = FakeShopify(bucket_size=110, restore_rate=200)
    with BackgroundServer(shop.app) as server:
        shop._fulfillmentServiceCreate({"name": "Crossdock"})
        for _ in range(3):
            shop.place_order([("SKU-1", 1)])
        adapter = ShopifyChannel(server.url, "shpat_fake", "shpss_fake")
        # when it is polled several times in a row
        found = [len(adapter.orders_since(None).orders) for _ in range(4)]
    # then every poll succeeded, after waiting for the bucket rather than being refused
    assert found == [3, 3, 3, 3]
    assert adapter.waited > 0
    assert adapter.bucket is not None
    assert adapter.bucket.maximum == 110


def test_throttling_beyond_the_wait_allowed_is_transient_with_the_wait():
    shop = FakeShopify(bucket_size=120, restore_rate=1)
    with BackgroundServer(shop.app) as server:
        shop._fulfillmentServiceCreate({"name": "Crossdock"})
        adapter = ShopifyChannel(server.url, "shpat_fake", "shpss_fake", max_wait=0.5)
        adapter.orders_since(None)
        with pytest.raises(TransientChannelError) as throttled:
            adapter.orders_since(None)
    assert throttled.value.retry_after is not None
    assert throttled.value.retry_after > 0.5


def test_a_429_with_retry_after_is_waited_out_or_handed_back(shopify_world):
    world = shopify_world
    registered(world)
    world.shop.add_fault(remaining=1, status=429, retry_after="1")
    patient = ShopifyChannel(world.shop_url, "shpat_fake", "shpss_fake", max_wait=5)
    assert patient.orders_since(None).orders == ()
    assert patient.waited >= 1
    world.shop.add_fault(remaining=1, status=429, retry_after="30")
    with pytest.raises(TransientChannelError) as refused:
        patient.orders_since(None)
    assert refused.value.retry_after == 30
