"""Catalog rules: uniqueness, all-or-none pairs, archiving only what holds no stock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.catalog import service
from domain.inventory.adjustments import AdjustmentReason, adjust
from tenants.errors import UserFacingError
from tests.catalog_factories import WAREHOUSE, client_scope, committed, make_product, make_warehouse
from tests.factories import count_rows, make_tenant


def test_partial_dimensions_are_refused_on_update(database):
    # given
    tenant = make_tenant(database)
    product = make_product(database, tenant)
    # when
    with pytest.raises(UserFacingError) as refused:
        committed(database, tenant.scope, service.update_product, product, {"length_mm": 10})
    # then
    assert (refused.value.field, refused.value.code) == ("dimensions", "INVALID")


def test_declared_value_needs_a_currency(database):
    tenant = make_tenant(database)
    with pytest.raises(UserFacingError) as refused:
        make_product(database, tenant, declared_value=Decimal("5"))
    assert refused.value.field == "declaredValue"
    assert count_rows(database, "products") == 0


def test_stocked_products_and_warehouses_cannot_be_archived(database):
    # given
    tenant = make_tenant(database)
    warehouse = make_warehouse(database, tenant)
    product = make_product(database, tenant)
    committed(database, tenant.scope, adjust, product, warehouse, 1, AdjustmentReason.FOUND)
    # when / then
    for archive, row_id in (
        (service.archive_product, product),
        (service.archive_warehouse, warehouse),
    ):
        with pytest.raises(UserFacingError) as refused:
            committed(database, tenant.scope, archive, row_id)
        assert refused.value.code == "CONFLICT"
    # and once the stock is gone, both can go
    committed(database, tenant.scope, adjust, product, warehouse, -1, AdjustmentReason.LOST)
    assert committed(database, tenant.scope, service.archive_product, product).archived_at
    assert committed(database, tenant.scope, service.archive_warehouse, warehouse).archived_at


def test_archived_products_cannot_be_changed(database):
    tenant = make_tenant(database)
    product = make_product(database, tenant)
    committed(database, tenant.scope, service.archive_product, product)
    with pytest.raises(UserFacingError) as refused:
        committed(database, tenant.scope, service.update_product, product, {"name": "New"})
    assert refused.value.code == "ARCHIVED"


def test_warehouse_code_change_to_a_taken_code_is_refused(database):
    tenant = make_tenant(database)
    make_warehouse(database, tenant, "ONE")
    two = make_warehouse(database, tenant, "TWO")
    with pytest.raises(UserFacingError) as refused:
        committed(database, tenant.scope, service.update_warehouse, two, {"code": "ONE"})
    assert (refused.value.field, refused.value.code) == ("code", "DUPLICATE")


def test_client_scope_cannot_manage_warehouses(database):
    tenant = make_tenant(database)
    with pytest.raises(UserFacingError) as refused:
        make_warehouse_as(database, client_scope(tenant))
    assert refused.value.code == "FORBIDDEN"


def make_warehouse_as(database, scope):
    return committed(database, scope, service.create_warehouse, WAREHOUSE)
