"""A connection's lastError through the API: set by a failure, cleared by the next work of
the shop that succeeds (poll, webhook import, shipment report, stock push), kept while an
order of it still cannot be imported."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from domain.channels.adapter import PermanentChannelError, TransientChannelError
from domain.inventory import ledger
from domain.inventory.models import MovementKind
from domain.orders.fulfillment import mark_packed, mark_shipped, start_picking
from domain.orders.models import FulfillmentOrder
from domain.outbox.events import Topic
from services.channel_imports import check_connection, poll_connection
from services.channel_syncs import note_stock_change, push_stock, report_shipment
from tests.channel_factories import ChannelWorld, channel_world, row_id, shopify_world
from tests.factories import global_id

__all__ = ["channel_world", "shopify_world"]

SHOWN = """query($id: ID!) { node(id: $id) { ... on ChannelConnection {
  lastError lastErrorAt lastPolledAt lastImportAt } } }"""


def shown(world: ChannelWorld, connection_id: uuid.UUID) -> dict[str, str | None]:
    """The connection's error and times as the API shows them."""
    answer = world.gql(
        SHOWN, {"id": global_id("ChannelConnection", connection_id)}, key=world.tenant.key
    )
    return answer["data"]["node"]


def connected(world: ChannelWorld) -> tuple[uuid.UUID, str, str]:
    made = world.connect()
    assert made["userErrors"] == []
    connection = made["channelConnection"]
    return row_id(connection["id"]), connection["webhookPath"], made["webhookSecret"]


def test_a_poll_after_a_failed_one_clears_the_last_error(channel_world):
    # given a poll that failed while the shop was down
    world = channel_world
    connection_id, _, _ = connected(world)
    world.shop.place_order([("SKU-1", 1)])
    world.shop.down()
    with pytest.raises(TransientChannelError):
        poll_connection(world.uow, connection_id)
    failed = shown(world, connection_id)
    assert "503" in (failed["lastError"] or "")
    assert failed["lastErrorAt"] is not None
    assert failed["lastPolledAt"] is None
    # when the shop is back and the next poll succeeds
    world.shop.up()
    assert poll_connection(world.uow, connection_id).imported == 1
    # then the error is gone, and the poll and import times are set
    after = shown(world, connection_id)
    assert (after["lastError"], after["lastErrorAt"]) == (None, None)
    assert after["lastPolledAt"] is not None
    assert after["lastImportAt"] is not None


def test_a_poll_that_finds_nothing_new_also_clears_the_last_error(channel_world):
    world = channel_world
    connection_id, _, _ = connected(world)
    world.shop.down()
    with pytest.raises(TransientChannelError):
        poll_connection(world.uow, connection_id)
    world.shop.up()
    assert poll_connection(world.uow, connection_id).imported == 0
    assert shown(world, connection_id)["lastError"] is None


def test_an_order_imported_by_webhook_after_a_failure_clears_the_last_error(channel_world):
    # given a failed poll
    world = channel_world
    connection_id, path, secret = connected(world)
    world.shop.down()
    with pytest.raises(TransientChannelError):
        poll_connection(world.uow, connection_id)
    world.shop.up()
    # when an order arrives by webhook
    order = world.shop.place_order([("SKU-1", 1)])
    assert world.post_webhook(path, *world.shop.webhook(order, secret)).status_code == 200
    # then
    assert shown(world, connection_id)["lastError"] is None


def test_a_webhook_whose_order_fails_keeps_its_own_error(channel_world):
    # given a failed poll, then an order that cannot be imported (no address) by webhook
    world = channel_world
    connection_id, path, secret = connected(world)
    world.shop.down()
    with pytest.raises(TransientChannelError):
        poll_connection(world.uow, connection_id)
    world.shop.up()
    bad = world.shop.place_order([("SKU-1", 1)], shipping={})
    world.post_webhook(path, *world.shop.webhook(bad, secret))
    # then the error shown is the order's, not the poll's, nor none
    error = shown(world, connection_id)["lastError"] or ""
    assert error.startswith(f"Order {bad['id']}:")


def test_a_failed_import_listed_again_by_shopify_stays_shown_and_is_told_once(shopify_world):
    # given a Shopify request with no address: a failed import
    world = shopify_world
    made = world.connect()
    connection_id = row_id(made["channelConnection"]["id"])
    check_connection(world.uow, connection_id)
    world.shop.place_order([("SKU-2", 1)], destination=None)
    poll_connection(world.uow, connection_id)
    first = shown(world, connection_id)["lastError"]
    assert first
    # when Shopify lists it at the next polls (it stays requested until accepted)
    poll_connection(world.uow, connection_id)
    poll_connection(world.uow, connection_id)
    # then it is still the connection's error, and the provider was told once
    assert shown(world, connection_id)["lastError"] == first
    assert len(world.events(Topic.CHANNEL_IMPORT_FAILED.value)) == 1


def _ship_one(world: ChannelWorld, connection_id: uuid.UUID) -> uuid.UUID:
    world.shop.place_order([("SKU-1", 1)])
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
    return event.id


def test_a_shipment_reported_after_a_failed_report_clears_the_last_error(channel_world):
    # given a shipped order whose report the shop refused once
    world = channel_world
    connection_id, _, _ = connected(world)
    event_id = _ship_one(world, connection_id)
    world.shop.add_fault(remaining=1, status=500, path="/orders/")
    with pytest.raises(TransientChannelError):
        report_shipment(world.uow, event_id)
    assert "report shipment" in (shown(world, connection_id)["lastError"] or "")
    # when the retry succeeds
    assert report_shipment(world.uow, event_id) is True
    # then
    assert shown(world, connection_id)["lastError"] is None


def test_a_stock_push_after_a_failed_one_clears_the_last_error(channel_world):
    # given a dirty product and a push refused by a shop that was down
    world = channel_world
    connection_id, _, _ = connected(world)
    with world.uow() as uow:
        level = ledger.ensure_level(
            uow, world.tenant.clients["A"].id, world.products["SKU-1"], world.warehouses["WH-A"]
        )
        ledger.post(uow, level, MovementKind.RECEIPT, on_hand=3)
        uow.commit()
    woken = [
        c
        for e in world.events(Topic.STOCK_CHANGED.value)
        for c in note_stock_change(world.uow, e.id)
    ]
    assert woken == [connection_id]
    world.shop.down()
    with pytest.raises(TransientChannelError):
        push_stock(world.uow, connection_id)
    assert "stock push" in (shown(world, connection_id)["lastError"] or "")
    # when the shop is back
    world.shop.up()
    assert push_stock(world.uow, connection_id) is False
    # then
    assert shown(world, connection_id)["lastError"] is None


def test_a_permanent_failure_after_a_success_is_shown(channel_world):
    # the other way round: success, then a refusal, shows the refusal
    world = channel_world
    connection_id, _, _ = connected(world)
    poll_connection(world.uow, connection_id)
    world.shop.add_fault(remaining=1, status=401, path="/orders")
    with pytest.raises(PermanentChannelError):
        poll_connection(world.uow, connection_id)
    assert "401" in (shown(world, connection_id)["lastError"] or "")
