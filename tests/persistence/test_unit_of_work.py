"""Closing a unit of work: nothing uncommitted is kept, loaded rows are let go as they are."""

from __future__ import annotations

from sqlalchemy import select

from domain.catalog.models import Product
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories_orders import make_order_world


def test_closing_keeps_nothing_uncommitted_and_lets_loaded_rows_go_unexpired(database):
    # given: a unit that loaded a product and renamed it without committing
    world = make_order_world(database)
    scope = world.tenant.scope
    uow = TenantUnitOfWork(database.session_factory, scope)
    product = uow.scalar(select(Product).where(Product.id == world.products["SKU-1"]))
    product.name = "Renamed, never committed"
    uow.flush()
    # when
    uow.close()
    # then: the change is gone from the database, and the object is still readable as
    # loaded (a rollback before closing expired it: reading it then failed, detached)
    assert product.sku == "SKU-1"
    with TenantUnitOfWork(database.session_factory, scope) as fresh:
        stored = fresh.scalar(select(Product.name).where(Product.id == world.products["SKU-1"]))
    assert stored == "Product SKU-1"
    # and the connection went back to the pool usable: the next unit works as usual
    with TenantUnitOfWork(database.session_factory, scope) as again:
        assert again.scalar(select(Product.sku).where(Product.id == product.id)) == "SKU-1"
