"""Waiting orders take arriving stock, oldest first; held and cancelled ones wait."""

from __future__ import annotations

import pytest

from domain.inventory.adjustments import AdjustmentReason
from domain.orders.backorders import allocate_backorders
from domain.orders.cancellation import cancel_order
from domain.orders.holds import place_hold, release_hold
from domain.orders.models import FulfillmentStatus, HoldReason, OrderStatus
from services.stock import adjust, record_count
from tests.factories_orders import levels_match_ledger, order_command, order_state, place_order, run


def receive(shop, sku: str, warehouse: str, quantity: int) -> int:
    """Stock arrives, then the backorders of the product are served (what receiving does)."""
    shop.stock(sku, warehouse, quantity)
    return run(shop.db, shop.provider, allocate_backorders, [shop.products[sku]])


def test_arriving_stock_goes_to_the_oldest_waiting_order_first(shop):
    # given: three orders wait for SKU-1
    orders = [
        place_order(shop.db, shop.client(), order_command(f"W-{i}", lines=(("SKU-1", 2),))).order
        for i in range(3)
    ]
    # when: three units arrive
    served = receive(shop, "SKU-1", "WH-B", 3)
    # then
    assert served == 2
    states = [order_state(shop.db, shop.tenant.provider_id, o.id) for o in orders]
    assert [(s.status, s.allocated) for s in states] == [
        (OrderStatus.ALLOCATED, [2]),
        (OrderStatus.PARTIALLY_ALLOCATED, [1]),
        (OrderStatus.BACKORDERED, [0]),
    ]
    assert levels_match_ledger(shop.db)


def test_a_partly_allocated_order_grows_its_unstarted_fulfillment_order(shop):
    shop.stock("SKU-1", "WH-A", 1)
    order = place_order(shop.db, shop.client(), order_command(lines=(("SKU-1", 3),))).order
    receive(shop, "SKU-1", "WH-A", 5)
    state = order_state(shop.db, shop.tenant.provider_id, order.id)
    assert state.status is OrderStatus.ALLOCATED
    assert state.allocated == [3]
    assert len(state.fulfillment) == 1


def test_held_and_cancelled_orders_are_skipped_until_released(shop):
    # given
    held = place_order(shop.db, shop.client(), order_command("HELD")).order
    cancelled = place_order(shop.db, shop.client(), order_command("GONE")).order
    waiting = place_order(shop.db, shop.client(), order_command("NEXT")).order
    hold, _ = run(shop.db, shop.provider, place_hold, held.id, HoldReason.FRAUD_RISK)
    run(shop.db, shop.provider, cancel_order, cancelled.id)
    # when
    receive(shop, "SKU-1", "WH-A", 2)
    # then
    assert order_state(shop.db, shop.tenant.provider_id, held.id).status is OrderStatus.ON_HOLD
    assert order_state(shop.db, shop.tenant.provider_id, cancelled.id).allocated == [0]
    assert order_state(shop.db, shop.tenant.provider_id, waiting.id).status is OrderStatus.ALLOCATED
    # and: released, the held order takes what is left
    run(shop.db, shop.provider, release_hold, hold.id)
    state = order_state(shop.db, shop.tenant.provider_id, held.id)
    assert (state.status, state.allocated) == (OrderStatus.ALLOCATED, [1])
    assert levels_match_ledger(shop.db)


def test_an_order_already_being_picked_gets_a_second_fulfillment_order(shop):
    from domain.orders.fulfillment import start_picking

    shop.stock("SKU-1", "WH-A", 1)
    order = place_order(shop.db, shop.client(), order_command(lines=(("SKU-1", 2),))).order
    first = order_state(shop.db, shop.tenant.provider_id, order.id).fulfillment[0][0]
    run(shop.db, shop.provider, start_picking, first)
    receive(shop, "SKU-1", "WH-A", 1)
    state = order_state(shop.db, shop.tenant.provider_id, order.id)
    assert [status for _, status in state.fulfillment] == [
        FulfillmentStatus.PICKING,
        FulfillmentStatus.ALLOCATED,
    ]
    assert state.status is OrderStatus.PICKING
    assert state.allocated == [2]


def test_nothing_waiting_allocates_nothing(shop):
    assert receive(shop, "SKU-1", "WH-A", 4) == 0
    assert run(shop.db, shop.provider, allocate_backorders, []) == 0


def test_stock_freed_by_a_cancellation_goes_to_the_waiting_order(shop):
    shop.stock("SKU-1", "WH-A", 1)
    first = place_order(shop.db, shop.client(), order_command("FIRST")).order
    waiting = place_order(shop.db, shop.client(), order_command("NEXT")).order
    run(shop.db, shop.client(), cancel_order, first.id)
    assert order_state(shop.db, shop.tenant.provider_id, waiting.id).status is OrderStatus.ALLOCATED
    assert levels_match_ledger(shop.db)


def _found(shop, product, warehouse):
    return run(shop.db, shop.provider, adjust, product, warehouse, 2, AdjustmentReason.FOUND)


def _counted(shop, product, warehouse):
    return run(shop.db, shop.provider, record_count, product, warehouse, 2)


def _released_from_quality_control(shop, product, warehouse):
    reason = AdjustmentReason.QUALITY_CONTROL_OUT
    return run(shop.db, shop.provider, adjust, product, warehouse, -2, reason)


@pytest.mark.parametrize("change", [_found, _counted, _released_from_quality_control])
def test_stock_freed_by_an_adjustment_or_a_count_goes_to_waiting_orders(shop, change):
    # given: no stock to sell (none, or the only two units in quality control); an order waits
    product, warehouse = shop.products["SKU-1"], shop.warehouses["WH-A"]
    if change is _released_from_quality_control:
        shop.stock("SKU-1", "WH-A", 2)
        qc_in = AdjustmentReason.QUALITY_CONTROL_IN
        run(shop.db, shop.provider, adjust, product, warehouse, 2, qc_in)
    waiting = place_order(shop.db, shop.client(), order_command(lines=(("SKU-1", 2),))).order
    assert order_state(shop.db, shop.tenant.provider_id, waiting.id).allocated == [0]
    # when: two units become available again
    change(shop, product, warehouse)
    # then: the waiting order has them, not the next order to come in
    state = order_state(shop.db, shop.tenant.provider_id, waiting.id)
    assert (state.status, state.allocated) == (OrderStatus.ALLOCATED, [2])
    assert levels_match_ledger(shop.db)
