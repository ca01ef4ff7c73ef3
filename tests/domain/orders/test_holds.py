"""Holds stop an order before shipping; releasing the last one resumes it."""

from __future__ import annotations

import pytest

from domain.errors import DomainError, DomainErrorCode
from domain.orders.fulfillment import mark_packed, mark_shipped, start_picking
from domain.orders.holds import place_hold, release_hold
from domain.orders.models import HoldReason, OrderStatus
from tenants.errors import NotFoundError, TenantErrorCode
from tests.factories_orders import order_command, order_state, place_order, run


@pytest.fixture
def order(shop):
    shop.stock("SKU-1", "WH-A", 5)
    return place_order(shop.db, shop.client(), order_command()).order


def state(shop, order):
    return order_state(shop.db, shop.tenant.provider_id, order.id)


def test_a_held_order_cannot_be_picked(shop, order):
    # given
    run(shop.db, shop.provider, place_hold, order.id, HoldReason.AWAITING_PAYMENT, "wire pending")
    fo = state(shop, order).fulfillment[0][0]
    # when
    with pytest.raises(DomainError) as refused:
        run(shop.db, shop.provider, start_picking, fo)
    # then
    assert refused.value.code is DomainErrorCode.ILLEGAL_TRANSITION
    assert "ON_HOLD" in refused.value.message
    assert state(shop, order).status is OrderStatus.ON_HOLD


def test_the_order_resumes_only_when_the_last_hold_is_released(shop, order):
    first, _ = run(shop.db, shop.provider, place_hold, order.id, HoldReason.FRAUD_RISK)
    second, _ = run(shop.db, shop.client(), place_hold, order.id, HoldReason.CLIENT_REQUEST)
    assert second.placed_by == "key:testA"
    run(shop.db, shop.provider, release_hold, first.id)
    assert state(shop, order).status is OrderStatus.ON_HOLD
    released, _ = run(shop.db, shop.client(), release_hold, second.id)
    assert (released.released_by, released.released_at is not None) == ("key:testA", True)
    assert state(shop, order).status is OrderStatus.ALLOCATED


def test_a_hold_during_picking_returns_the_order_to_picking(shop, order):
    fo = state(shop, order).fulfillment[0][0]
    run(shop.db, shop.provider, start_picking, fo)
    hold, _ = run(shop.db, shop.provider, place_hold, order.id, HoldReason.INCORRECT_ADDRESS)
    with pytest.raises(DomainError):
        run(shop.db, shop.provider, mark_packed, fo)
    run(shop.db, shop.provider, release_hold, hold.id)
    assert state(shop, order).status is OrderStatus.PICKING


def test_releasing_twice_keeps_the_first_release(shop, order):
    hold, _ = run(shop.db, shop.provider, place_hold, order.id, HoldReason.OTHER)
    first, _ = run(shop.db, shop.provider, release_hold, hold.id)
    again, _ = run(shop.db, shop.provider, release_hold, hold.id)
    assert again.released_at == first.released_at


def test_a_client_holds_only_for_its_own_request_and_releases_only_those(shop, order):
    with pytest.raises(DomainError) as refused:
        run(shop.db, shop.client(), place_hold, order.id, HoldReason.FRAUD_RISK)
    assert (refused.value.code, refused.value.field) == (DomainErrorCode.FORBIDDEN, "reason")
    hold, _ = run(shop.db, shop.provider, place_hold, order.id, HoldReason.FRAUD_RISK)
    with pytest.raises(DomainError) as refused:
        run(shop.db, shop.client(), release_hold, hold.id)
    assert refused.value.code is DomainErrorCode.FORBIDDEN


def test_a_shipped_order_cannot_be_held(shop, order):
    fo = state(shop, order).fulfillment[0][0]
    for step in (start_picking, mark_packed):
        run(shop.db, shop.provider, step, fo)
    run(shop.db, shop.provider, mark_shipped, fo, "DHL", "JD0001")
    with pytest.raises(DomainError) as refused:
        run(shop.db, shop.provider, place_hold, order.id, HoldReason.OTHER)
    assert refused.value.code is DomainErrorCode.ILLEGAL_TRANSITION
    assert "SHIPPED" in refused.value.message


def test_another_clients_order_is_not_found(shop, order):
    with pytest.raises(NotFoundError) as refused:
        run(shop.db, shop.client("B"), place_hold, order.id, HoldReason.CLIENT_REQUEST)
    assert refused.value.code is TenantErrorCode.NOT_FOUND
