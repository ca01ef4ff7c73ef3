"""WooCommerce polling, shipment reports and stock pushes against the fake shop."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from adapters.channels.woocommerce import WooCommerceChannel
from domain.channels.adapter import PermanentChannelError, StockLevel, TransientChannelError
from domain.channels.models import ChannelConnection
from domain.channels.syncs import dirty_stock, stock_pushed
from domain.inventory import ledger
from domain.inventory.models import MovementKind
from domain.orders.fulfillment import mark_packed, mark_shipped, start_picking
from domain.orders.models import FulfillmentOrder, OrderStatus
from domain.outbox.events import Topic
from services.channel_imports import poll_connection
from services.channel_syncs import note_stock_change, push_stock, report_shipment
from tests.channel_factories import ChannelWorld, channel_world, row_id

__all__ = ["channel_world"]


def connected(world: ChannelWorld) -> uuid.UUID:
    made = world.connect()
    assert made["userErrors"] == []
    return row_id(made["channelConnection"]["id"])


def test_polling_imports_from_the_cursor_and_catches_up_after_an_outage(channel_world):
    # given an order in the shop
    world = channel_world
    connection_id = connected(world)
    first = world.shop.place_order([("SKU-1", 1)])
    assert poll_connection(world.uow, connection_id).imported == 1
    assert world.connection(connection_id).cursor == first["date_modified_gmt"]
    # when the shop goes down while two more orders come in
    world.shop.down()
    world.shop.place_order([("SKU-1", 2)])
    world.shop.place_order([("SKU-2", 1)])
    with pytest.raises(TransientChannelError):
        poll_connection(world.uow, connection_id)
    # then the failure is visible and sent to the provider
    assert "503" in (world.connection(connection_id).last_error or "")
    [failed] = world.events(Topic.CHANNEL_SYNC_FAILED.value)
    assert failed.payload["work"] == "poll"
    # when it is back
    world.shop.up()
    caught_up = poll_connection(world.uow, connection_id)
    again = poll_connection(world.uow, connection_id)
    # then nothing is lost or doubled
    assert caught_up.imported == 2
    assert again.imported == 0
    orders = world.orders()
    assert len(orders) == 3
    assert len({o.external_reference for o in orders}) == 3
    assert world.connection(connection_id).last_polled_at is not None


def test_throttling_and_timeouts_are_transient_with_the_shops_delay(channel_world):
    world = channel_world
    shop = WooCommerceChannel(world.shop_url, "ck_fake", "cs_fake", timeout=0.3)
    world.shop.add_fault(remaining=1, status=429, retry_after="7", path="/orders")
    with pytest.raises(TransientChannelError) as throttled:
        shop.orders_since(None)
    world.shop.add_fault(remaining=1, status=200, delay=1.0, path="/orders")
    with pytest.raises(TransientChannelError) as slow:
        shop.orders_since(None)
    assert throttled.value.retry_after == 7
    assert "timed out" in slow.value.message


def test_bad_credentials_are_permanent_and_never_echoed(channel_world):
    shop = WooCommerceChannel(channel_world.shop_url, "ck_wrong", "cs_TOPSECRET")
    with pytest.raises(PermanentChannelError) as refused:
        shop.check()
    assert "401" in refused.value.message
    assert "TOPSECRET" not in refused.value.message


def test_a_shipment_is_reported_once_with_its_tracking(channel_world):
    # given an imported order, shipped
    world = channel_world
    connection_id = connected(world)
    placed = world.shop.place_order([("SKU-1", 1)])
    poll_connection(world.uow, connection_id)
    [order] = world.orders()
    with world.uow() as uow:
        fo_id = uow.session.scalars(
            select(FulfillmentOrder.id).where(FulfillmentOrder.order_id == order.id)
        ).one()
        start_picking(uow, fo_id)
        mark_packed(uow, fo_id)
        mark_shipped(uow, fo_id, "UPS", "1Z999")
        uow.commit()
    [event] = world.events(Topic.FULFILLMENT_SHIPPED.value)
    # when the event is handled twice
    assert report_shipment(world.uow, event.id) is True
    assert report_shipment(world.uow, event.id) is False
    # then the shop shows it completed, with the tracking, once
    shop_order = world.shop.orders[placed["id"]]
    assert shop_order["status"] == "completed"
    assert {"key": "_crossdock_tracking_number", "value": "1Z999"} in shop_order["meta_data"]
    assert [n["note"] for n in world.shop.notes[placed["id"]]] == [
        "Shipped with UPS, tracking number 1Z999."
    ]
    assert world.connection(connection_id).shipments_reported == 1
    assert world.orders()[0].status is OrderStatus.SHIPPED


def test_stock_changes_coalesce_into_one_push_with_the_latest_numbers(channel_world):
    # given a connection, then ten receipts of SKU-1 at its warehouse
    world = channel_world
    connection_id = connected(world)
    client_id = world.tenant.clients["A"].id
    with world.uow() as uow:
        for _ in range(10):
            level = ledger.ensure_level(
                uow, client_id, world.products["SKU-1"], world.warehouses["WH-A"]
            )
            ledger.post(uow, level, MovementKind.RECEIPT, on_hand=5)
        uow.commit()
    events = world.events(Topic.STOCK_CHANGED.value)
    # when every change is noted, then one push runs
    woken = [c for event in events for c in note_stock_change(world.uow, event.id)]
    more = push_stock(world.uow, connection_id)
    # then the first change woke the one push; it sent the latest numbers in one call
    assert woken == [connection_id]
    assert more is False
    assert world.shop.count("POST", "/products/batch") == 1
    stock = {p["sku"]: p["stock_quantity"] for p in world.shop.products.values()}
    assert stock == {"SKU-1": 60, "SKU-2": 0}
    assert push_stock(world.uow, connection_id) is False
    assert world.shop.count("POST", "/products/batch") == 1


def test_set_stock_sets_only_the_skus_the_shop_has(channel_world):
    shop = WooCommerceChannel(channel_world.shop_url, "ck_fake", "cs_fake")
    assert shop.set_stock([StockLevel("SKU-2", 4), StockLevel("NOT-IN-SHOP", 9)]) == 1
    assert {p["sku"]: p["stock_quantity"] for p in channel_world.shop.products.values()} == {
        "SKU-1": 0,
        "SKU-2": 4,
    }


def test_a_change_made_while_a_push_runs_is_pushed_after_it(channel_world):
    # given a dirty product, and a push that has read it
    world = channel_world
    connection_id = connected(world)
    client_id = world.tenant.clients["A"].id

    def receive(quantity: int) -> uuid.UUID:
        with world.uow() as uow:
            level = ledger.ensure_level(
                uow, client_id, world.products["SKU-1"], world.warehouses["WH-A"]
            )
            ledger.post(uow, level, MovementKind.RECEIPT, on_hand=quantity)
            uow.commit()
        return world.events(Topic.STOCK_CHANGED.value)[-1].id

    assert note_stock_change(world.uow, receive(1)) == [connection_id]
    with world.uow() as uow:
        batch = dirty_stock(uow, uow.get(ChannelConnection, connection_id), 10)
    # when another change lands before the push records what it sent
    assert note_stock_change(world.uow, receive(4)) == []
    with world.uow() as uow:
        more = stock_pushed(uow, uow.get(ChannelConnection, connection_id, lock=True), batch)
        uow.commit()
    # then the product stays dirty, and the next push sends the newer level
    assert more is True
    assert push_stock(world.uow, connection_id) is False
    assert {p["sku"]: p["stock_quantity"] for p in world.shop.products.values()}["SKU-1"] == 15


UPDATE = """mutation($input: UpdateChannelConnectionInput!) { updateChannelConnection(input: $input) {
  userErrors { code } } }"""


def test_each_switch_turned_off_stops_its_flow(channel_world):
    # given a connection with one order imported, then every switch turned off
    world = channel_world
    made = world.connect()
    connection_id = row_id(made["channelConnection"]["id"])
    path, secret = made["channelConnection"]["webhookPath"], made["webhookSecret"]
    imported = world.shop.place_order([("SKU-1", 1)])
    assert poll_connection(world.uow, connection_id).imported == 1
    switches = {"importOrders": False, "syncFulfillments": False, "syncInventory": False}
    answer = world.gql(
        UPDATE, {"input": {"id": made["channelConnection"]["id"], **switches}}, key=world.tenant.key
    )
    assert answer["data"]["updateChannelConnection"]["userErrors"] == []
    calls = len(world.shop.calls)
    # when an order comes by webhook and by poll, the imported one ships, and stock changes
    later = world.shop.place_order([("SKU-1", 1)])
    hooked = world.post_webhook(path, *world.shop.webhook(later, secret))
    polled = poll_connection(world.uow, connection_id)
    [order] = world.orders()
    with world.uow() as uow:
        fo_id = uow.session.scalars(
            select(FulfillmentOrder.id).where(FulfillmentOrder.order_id == order.id)
        ).one()
        start_picking(uow, fo_id)
        mark_packed(uow, fo_id)
        mark_shipped(uow, fo_id, "UPS", "1ZOFF")
        level = ledger.ensure_level(
            uow, world.tenant.clients["A"].id, world.products["SKU-1"], world.warehouses["WH-A"]
        )
        ledger.post(uow, level, MovementKind.RECEIPT, on_hand=5)
        uow.commit()
    [shipped] = world.events(Topic.FULFILLMENT_SHIPPED.value)
    reported = report_shipment(world.uow, shipped.id)
    woken = [
        c
        for e in world.events(Topic.STOCK_CHANGED.value)
        for c in note_stock_change(world.uow, e.id)
    ]
    # then the webhook is accepted (signature checked) but nothing flows either way
    assert hooked.status_code == 200
    assert hooked.json()["imported"] == 0
    assert polled.imported == 0
    assert reported is False
    assert woken == []
    assert push_stock(world.uow, connection_id) is False
    assert len(world.orders()) == 1
    assert world.shop.orders[imported["id"]]["status"] == "processing"
    assert len(world.shop.calls) == calls
