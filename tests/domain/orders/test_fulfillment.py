"""The warehouse's steps: legal ones move the order along, illegal ones are refused."""

from __future__ import annotations

import pytest

from domain.errors import DomainError, DomainErrorCode
from domain.orders.cancellation import cancel_order
from domain.orders.fulfillment import mark_delivered, mark_packed, mark_shipped, start_picking
from domain.orders.models import OrderStatus
from tenants.errors import UserFacingError
from tests.factories import count_rows
from tests.factories_orders import (
    level_of,
    levels_match_ledger,
    order_command,
    order_state,
    place_order,
    run,
)


def test_an_order_follows_its_fulfillment_orders_to_delivery(shop):
    # given: an order split over two warehouses
    shop.stock("SKU-1", "WH-A", 1)
    shop.stock("SKU-2", "WH-B", 1)
    order = place_order(
        shop.db, shop.client(), order_command(lines=(("SKU-1", 1), ("SKU-2", 1)))
    ).order
    a, b = (fo for fo, _ in order_state(shop.db, shop.tenant.provider_id, order.id).fulfillment)

    def status():
        return order_state(shop.db, shop.tenant.provider_id, order.id).status

    # when / then
    run(shop.db, shop.provider, start_picking, a)
    assert status() is OrderStatus.PICKING
    run(shop.db, shop.provider, mark_packed, a)
    run(shop.db, shop.provider, mark_shipped, a, "DHL", "A-1")
    assert status() is OrderStatus.PICKING
    run(shop.db, shop.provider, start_picking, b)
    run(shop.db, shop.provider, mark_packed, b)
    assert status() is OrderStatus.PACKED
    fo, _ = run(shop.db, shop.provider, mark_shipped, b, " DHL ", "B-1")
    assert (fo.carrier, fo.tracking_number, fo.shipped_at is not None) == ("DHL", "B-1", True)
    assert status() is OrderStatus.SHIPPED
    run(shop.db, shop.provider, mark_delivered, a)
    assert status() is OrderStatus.SHIPPED
    run(shop.db, shop.provider, mark_delivered, b)
    assert status() is OrderStatus.DELIVERED
    assert level_of(shop.db, shop.products["SKU-1"], shop.warehouses["WH-A"]) == (0, 0)
    assert levels_match_ledger(shop.db)


@pytest.mark.parametrize(
    ("done", "step", "current"),
    [
        ((), mark_packed, "ALLOCATED"),
        ((), mark_delivered, "ALLOCATED"),
        ((start_picking,), start_picking, "PICKING"),
        ((start_picking, mark_packed), mark_packed, "PACKED"),
    ],
)
def test_illegal_steps_name_the_current_state_and_write_nothing(shop, done, step, current):
    # given
    shop.stock("SKU-1", "WH-A", 1)
    order = place_order(shop.db, shop.client(), order_command()).order
    fo = order_state(shop.db, shop.tenant.provider_id, order.id).fulfillment[0][0]
    for earlier in done:
        run(shop.db, shop.provider, earlier, fo)
    before = order_state(shop.db, shop.tenant.provider_id, order.id)
    # when
    with pytest.raises(DomainError) as refused:
        run(shop.db, shop.provider, step, fo)
    # then
    assert refused.value.code is DomainErrorCode.ILLEGAL_TRANSITION
    assert f"is {current}" in refused.value.message
    assert order_state(shop.db, shop.tenant.provider_id, order.id) == before


def test_a_cancelled_fulfillment_order_cannot_be_picked(shop):
    shop.stock("SKU-1", "WH-A", 1)
    order = place_order(shop.db, shop.client(), order_command()).order
    fo = order_state(shop.db, shop.tenant.provider_id, order.id).fulfillment[0][0]
    run(shop.db, shop.provider, cancel_order, order.id)
    with pytest.raises(DomainError) as refused:
        run(shop.db, shop.provider, start_picking, fo)
    assert "CANCELLED" in refused.value.message


def test_shipping_needs_carrier_and_tracking_and_writes_nothing_without(shop):
    shop.stock("SKU-1", "WH-A", 1)
    order = place_order(shop.db, shop.client(), order_command()).order
    fo = order_state(shop.db, shop.tenant.provider_id, order.id).fulfillment[0][0]
    run(shop.db, shop.provider, start_picking, fo)
    run(shop.db, shop.provider, mark_packed, fo)
    movements = count_rows(shop.db, "inventory_movements")
    with pytest.raises(UserFacingError) as refused:
        run(shop.db, shop.provider, mark_shipped, fo, "DHL", "  ")
    assert (refused.value.code, refused.value.field) == ("REQUIRED", "trackingNumber")
    assert count_rows(shop.db, "inventory_movements") == movements


def test_clients_do_not_run_fulfilment(shop):
    shop.stock("SKU-1", "WH-A", 1)
    order = place_order(shop.db, shop.client(), order_command()).order
    fo = order_state(shop.db, shop.tenant.provider_id, order.id).fulfillment[0][0]
    with pytest.raises(DomainError) as refused:
        run(shop.db, shop.client(), start_picking, fo)
    assert refused.value.code is DomainErrorCode.FORBIDDEN
