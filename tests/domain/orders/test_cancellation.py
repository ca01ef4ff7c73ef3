"""Cancelling releases every reservation; a shipped order cannot be cancelled."""

from __future__ import annotations

import pytest

from domain.errors import DomainError, DomainErrorCode
from domain.orders.cancellation import cancel_order
from domain.orders.fulfillment import mark_packed, mark_shipped, start_picking
from domain.orders.models import FulfillmentStatus, OrderStatus
from tenants.errors import NotFoundError, TenantErrorCode
from tests.factories import count_rows
from tests.factories_orders import (
    level_of,
    levels_match_ledger,
    order_command,
    order_state,
    place_order,
    run,
)


def test_cancel_releases_all_reserved_stock(shop):
    # given: a split order
    shop.stock("SKU-1", "WH-A", 2)
    shop.stock("SKU-2", "WH-B", 1)
    order = place_order(
        shop.db, shop.client(), order_command(lines=(("SKU-1", 2), ("SKU-2", 3)))
    ).order
    # when
    cancelled = run(shop.db, shop.client(), cancel_order, order.id)
    # then
    assert cancelled.status is OrderStatus.CANCELLED
    assert cancelled.cancelled_at is not None
    state = order_state(shop.db, shop.tenant.provider_id, order.id)
    assert {status for _, status in state.fulfillment} == {FulfillmentStatus.CANCELLED}
    assert state.allocated == [0, 0]
    assert level_of(shop.db, shop.products["SKU-1"], shop.warehouses["WH-A"]) == (2, 0)
    assert level_of(shop.db, shop.products["SKU-2"], shop.warehouses["WH-B"]) == (1, 0)
    assert levels_match_ledger(shop.db)


def test_cancelling_twice_changes_nothing_more(shop):
    shop.stock("SKU-1", "WH-A", 2)
    order = place_order(shop.db, shop.client(), order_command()).order
    first = run(shop.db, shop.client(), cancel_order, order.id)
    movements = count_rows(shop.db, "inventory_movements")
    again = run(shop.db, shop.client(), cancel_order, order.id)
    assert again.cancelled_at == first.cancelled_at
    assert count_rows(shop.db, "inventory_movements") == movements


def test_a_shipped_order_cannot_be_cancelled(shop):
    # given
    shop.stock("SKU-1", "WH-A", 2)
    order = place_order(shop.db, shop.client(), order_command()).order
    fo = order_state(shop.db, shop.tenant.provider_id, order.id).fulfillment[0][0]
    run(shop.db, shop.provider, start_picking, fo)
    run(shop.db, shop.provider, mark_packed, fo)
    run(shop.db, shop.provider, mark_shipped, fo, "UPS", "1Z999")
    movements = count_rows(shop.db, "inventory_movements")
    # when
    with pytest.raises(DomainError) as refused:
        run(shop.db, shop.client(), cancel_order, order.id)
    # then
    assert refused.value.code is DomainErrorCode.ILLEGAL_TRANSITION
    assert "SHIPPED" in refused.value.message
    assert order_state(shop.db, shop.tenant.provider_id, order.id).status is OrderStatus.SHIPPED
    assert count_rows(shop.db, "inventory_movements") == movements


def test_a_backordered_order_cancels_without_stock_movements(shop):
    order = place_order(shop.db, shop.client(), order_command()).order
    assert run(shop.db, shop.client(), cancel_order, order.id).status is OrderStatus.CANCELLED
    assert count_rows(shop.db, "inventory_movements") == 0


def test_another_clients_order_cannot_be_cancelled(shop):
    order = place_order(shop.db, shop.client(), order_command()).order
    with pytest.raises(NotFoundError) as refused:
        run(shop.db, shop.client("B"), cancel_order, order.id)
    assert refused.value.code is TenantErrorCode.NOT_FOUND
    assert order_state(shop.db, shop.tenant.provider_id, order.id).status is OrderStatus.BACKORDERED


def test_a_partly_shipped_order_cannot_be_cancelled_and_keeps_its_other_reservations(shop):
    # given: an order split over two warehouses, one part shipped
    shop.stock("SKU-1", "WH-A", 1)
    shop.stock("SKU-2", "WH-B", 1)
    order = place_order(
        shop.db, shop.client(), order_command(lines=(("SKU-1", 1), ("SKU-2", 1)))
    ).order
    shipped, kept = order_state(shop.db, shop.tenant.provider_id, order.id).fulfillment
    for step, *args in ((start_picking,), (mark_packed,), (mark_shipped, "UPS", "1Z1")):
        run(shop.db, shop.provider, step, shipped[0], *args)
    movements = count_rows(shop.db, "inventory_movements")
    # when
    with pytest.raises(DomainError) as refused:
        run(shop.db, shop.provider, cancel_order, order.id)
    # then
    assert refused.value.code is DomainErrorCode.ILLEGAL_TRANSITION
    assert "SHIPPED" in refused.value.message
    assert count_rows(shop.db, "inventory_movements") == movements
    after = order_state(shop.db, shop.tenant.provider_id, order.id).fulfillment
    assert dict(after)[kept[0]] is FulfillmentStatus.ALLOCATED
    levels = [level_of(shop.db, shop.products[s], shop.warehouses[w]) for s, w in
              (("SKU-1", "WH-A"), ("SKU-2", "WH-B"))]  # fmt: skip
    assert sorted(levels) == [(0, 0), (1, 1)]  # one part shipped, the other still reserved
