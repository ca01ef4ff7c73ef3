"""Adjustments move the buckets their reason names; counts book the difference; all via the ledger."""

from __future__ import annotations

import pytest

from domain.inventory.adjustments import AdjustmentReason, adjust, record_count, unsellable_by_pool
from tenants.errors import UserFacingError
from tenants.unit_of_work import TenantUnitOfWork
from tests.catalog_factories import client_scope, committed, level_of, make_product, make_warehouse
from tests.factories import count_rows, make_tenant
from tests.inventory_checks import assert_levels_match_ledger

R = AdjustmentReason


@pytest.fixture
def stock(database):
    """Northwind with a warehouse and product A's SKU-1 holding 10 units on hand."""
    tenant = make_tenant(database)
    warehouse = make_warehouse(database, tenant)
    product = make_product(database, tenant)
    committed(database, tenant.scope, adjust, product, warehouse, 10, R.FOUND)
    return tenant, product, warehouse


@pytest.mark.parametrize(
    ("reason", "quantity", "expected"),
    [
        (R.FOUND, 3, {"on_hand": 13, "unsellable": 0}),
        (R.LOST, -3, {"on_hand": 7, "unsellable": 0}),
        (R.CORRECTION, -4, {"on_hand": 6, "unsellable": 0}),
        (R.CORRECTION, 4, {"on_hand": 14, "unsellable": 0}),
        (R.DAMAGED, 2, {"on_hand": 10, "unsellable": 2}),
        (R.QUALITY_CONTROL_IN, 5, {"on_hand": 10, "unsellable": 5}),
    ],
)
def test_each_reason_moves_its_buckets(database, stock, reason, quantity, expected):
    # given
    tenant, product, warehouse = stock
    # when
    change = committed(database, tenant.scope, adjust, product, warehouse, quantity, reason, "x")
    # then
    level = level_of(database, tenant, product, warehouse)
    assert {k: level[k] for k in expected} == expected
    assert change.movement.reason == reason.value
    assert change.movement.actor == "operator"
    assert_levels_match_ledger(database)


def test_disposing_damaged_units_takes_them_off_hand(database, stock):
    # given
    tenant, product, warehouse = stock
    committed(database, tenant.scope, adjust, product, warehouse, 3, R.DAMAGED)
    # when
    committed(database, tenant.scope, adjust, product, warehouse, -2, R.DISPOSED)
    # then
    assert level_of(database, tenant, product, warehouse) == {
        "on_hand": 8,
        "allocated": 0,
        "unsellable": 1,
        "incoming": 0,
    }
    assert_levels_match_ledger(database)


def test_unsellable_units_per_pool_come_from_the_ledger(database, stock):
    # given
    tenant, product, warehouse = stock
    for quantity, reason in [(3, R.DAMAGED), (4, R.QUALITY_CONTROL_IN), (-1, R.DISPOSED)]:
        committed(database, tenant.scope, adjust, product, warehouse, quantity, reason)
    committed(database, tenant.scope, adjust, product, warehouse, -4, R.QUALITY_CONTROL_OUT)
    # when
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        pools = unsellable_by_pool(uow, product, warehouse)
    # then
    assert pools == {"damaged": 2}
    assert level_of(database, tenant, product, warehouse)["unsellable"] == 2


@pytest.mark.parametrize(
    ("reason", "quantity", "field"),
    [
        (R.FOUND, -1, "quantity"),
        (R.LOST, 1, "quantity"),
        (R.CORRECTION, 0, "quantity"),
        (R.DAMAGED, -1, "quantity"),
        (R.LOST, -11, "quantity"),
        (R.DAMAGED, 11, "quantity"),
        (R.QUALITY_CONTROL_OUT, -1, "quantity"),
        (R.DISPOSED, -1, "quantity"),
    ],
)
def test_refused_adjustments_write_nothing(database, stock, reason, quantity, field):
    # given
    tenant, product, warehouse = stock
    before = count_rows(database, "inventory_movements")
    # when
    with pytest.raises(UserFacingError) as refused:
        committed(database, tenant.scope, adjust, product, warehouse, quantity, reason)
    # then
    assert refused.value.field == field
    assert count_rows(database, "inventory_movements") == before
    assert level_of(database, tenant, product, warehouse)["on_hand"] == 10


def test_client_keys_cannot_adjust_stock(database, stock):
    tenant, product, warehouse = stock
    with pytest.raises(UserFacingError) as refused:
        committed(database, client_scope(tenant), adjust, product, warehouse, 1, R.FOUND)
    assert refused.value.code == "FORBIDDEN"


def test_unknown_or_foreign_product_is_not_found(database, stock):
    # given
    tenant, _, warehouse = stock
    other = make_tenant(database, "Southwind", ("C",))
    foreign = make_product(database, other, "C")
    # when
    with pytest.raises(UserFacingError) as refused:
        committed(database, tenant.scope, adjust, foreign, warehouse, 1, R.FOUND)
    # then
    assert (refused.value.code, refused.value.field) == ("NOT_FOUND", "productId")
    assert level_of(database, other, foreign, warehouse) is None


def test_count_books_the_difference_as_one_count_movement(database, stock):
    # given
    tenant, product, warehouse = stock
    # when
    change = committed(database, tenant.scope, record_count, product, warehouse, 7, "aisle 3")
    # then
    assert change.movement.kind == "count"
    assert change.movement.on_hand_delta == -3
    assert change.movement.note == "aisle 3"
    assert level_of(database, tenant, product, warehouse)["on_hand"] == 7
    assert_levels_match_ledger(database)


def test_count_equal_to_the_books_writes_no_movement(database, stock):
    tenant, product, warehouse = stock
    before = count_rows(database, "inventory_movements")
    change = committed(database, tenant.scope, record_count, product, warehouse, 10)
    assert change.movement is None
    assert count_rows(database, "inventory_movements") == before


def test_count_below_unsellable_units_is_refused(database, stock):
    # given
    tenant, product, warehouse = stock
    committed(database, tenant.scope, adjust, product, warehouse, 4, R.DAMAGED)
    before = count_rows(database, "inventory_movements")
    # when
    with pytest.raises(UserFacingError) as refused:
        committed(database, tenant.scope, record_count, product, warehouse, 3)
    # then
    assert refused.value.code == "INSUFFICIENT_STOCK"
    assert count_rows(database, "inventory_movements") == before


def test_negative_count_is_refused(database, stock):
    tenant, product, warehouse = stock
    with pytest.raises(UserFacingError) as refused:
        committed(database, tenant.scope, record_count, product, warehouse, -1)
    assert refused.value.field == "countedQuantity"
