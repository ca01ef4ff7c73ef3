"""Supplier stock: availability for routing, all-or-nothing reservation, and the movement log."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event

from crossdock.database import make_engine, make_session_factory
from domain.errors import DomainError
from domain.suppliers import catalog, stock
from domain.suppliers.models import SupplierProduct
from tenants.unit_of_work import TenantUnitOfWork
from tests.domain.orders.conftest import Shop
from tests.supplier_factories import (
    link,
    make_supplier,
    supplier_level,
    supplier_stock_matches_log,
)


def test_availability_lists_active_links_of_live_suppliers_in_one_query(shop: Shop):
    # given: ACME (5 of SKU-1, 2 of SKU-2), BOLT (inactive link), CRUX (archived), DUNE (no report)
    acme, bolt, crux, dune = (
        make_supplier(shop.db, shop.tenant, c) for c in ["ACME", "BOLT", "CRUX", "DUNE"]
    )
    link(shop.db, shop.tenant, acme, shop.products["SKU-1"], 5, lead_time_days=2)
    link(shop.db, shop.tenant, acme, shop.products["SKU-2"], 2, min_quantity=2)
    link(shop.db, shop.tenant, bolt, shop.products["SKU-1"], 9, active=False)
    link(shop.db, shop.tenant, crux, shop.products["SKU-1"], 9)
    link(shop.db, shop.tenant, dune, shop.products["SKU-1"])
    with TenantUnitOfWork(shop.db.session_factory, shop.provider) as uow:
        catalog.archive_supplier(uow, crux)
        uow.commit()
    # when: client A's key asks, counting statements
    statements: list[str] = []
    with TenantUnitOfWork(shop.db.session_factory, shop.client()) as uow:
        engine = uow.session.get_bind()
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            offers = stock.supplier_availability(
                uow, shop.tenant.clients["A"].id, list(shop.products.values())
            )
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    # then
    sku1 = [
        (o.supplier_code, o.available, o.lead_time_days) for o in offers[shop.products["SKU-1"]]
    ]
    assert sku1 == [("ACME", 5, 2), ("DUNE", 0, 0)]
    sku2 = offers[shop.products["SKU-2"]]
    assert [(o.supplier_id, o.available, o.min_quantity) for o in sku2] == [(acme, 2, 2)]
    assert shop.products["SKU-3"] not in offers
    assert len([s for s in statements if "supplier" in s]) == 1


def test_reserve_is_all_or_nothing_and_every_change_is_logged(shop: Shop):
    # given
    acme = make_supplier(shop.db, shop.tenant)
    product = shop.products["SKU-1"]
    link(shop.db, shop.tenant, acme, product, 5)
    # when
    with TenantUnitOfWork(shop.db.session_factory, shop.client()) as uow:
        first = stock.reserve(uow, acme, product, 3)
        second = stock.reserve(uow, acme, product, 3)
        third = stock.reserve(uow, acme, product, 2)
        stock.release(uow, acme, product, 1)
        uow.commit()
    # then
    assert (first, second, third) == (True, False, True)
    assert supplier_level(shop.db, acme, product) == (5, 4)
    assert supplier_stock_matches_log(shop.db)


def test_a_report_sets_what_is_free_beyond_what_is_promised(shop: Shop):
    # given: 5 reported, 3 promised
    acme = make_supplier(shop.db, shop.tenant)
    product = shop.products["SKU-1"]
    link_id = link(shop.db, shop.tenant, acme, product, 5)
    with TenantUnitOfWork(shop.db.session_factory, shop.provider) as uow:
        assert stock.reserve(uow, acme, product, 3)
        uow.commit()
    # when: the supplier reports 4 more it can ship
    with TenantUnitOfWork(shop.db.session_factory, shop.provider) as uow:
        row = uow.get(SupplierProduct, link_id)
        stock.report_available(uow, row, 4)
        uow.commit()
    # then
    assert supplier_level(shop.db, acme, product) == (7, 3)
    assert supplier_stock_matches_log(shop.db)


@pytest.mark.parametrize(
    ("value", "code"), [(-1, "INVALID"), (2.5, "INVALID"), (10**7, "OUT_OF_RANGE")]
)
def test_a_report_refuses_negative_fractional_and_huge_quantities(shop: Shop, value, code):
    acme = make_supplier(shop.db, shop.tenant)
    link_id = link(shop.db, shop.tenant, acme, shop.products["SKU-1"], 5)
    with TenantUnitOfWork(shop.db.session_factory, shop.provider) as uow:
        row = uow.get(SupplierProduct, link_id)
        with pytest.raises(DomainError) as refused:
            stock.report_available(uow, row, value)
    assert refused.value.code == code
    assert supplier_level(shop.db, acme, shop.products["SKU-1"]) == (5, 0)


def test_concurrent_reservations_never_promise_a_unit_twice(pg_shop: Shop):
    # given: a supplier with 10 units, 30 racers wanting one each
    acme = make_supplier(pg_shop.db, pg_shop.tenant)
    product = pg_shop.products["SKU-1"]
    link(pg_shop.db, pg_shop.tenant, acme, product, 10)
    racers = 30
    engine = make_engine(pg_shop.db.url, pool_size=racers, max_overflow=0)
    factory = make_session_factory(engine)
    barrier = threading.Barrier(racers)

    def one(_: int) -> bool:
        with TenantUnitOfWork(factory, pg_shop.client()) as uow:
            uow.session.connection()
            barrier.wait(timeout=30)
            taken = stock.reserve(uow, acme, product, 1)
            uow.commit()
            return taken

    # when
    try:
        with ThreadPoolExecutor(max_workers=racers) as pool:
            results = list(pool.map(one, range(racers)))
    finally:
        engine.dispose()
    # then
    assert results.count(True) == 10
    assert supplier_level(pg_shop.db, acme, product) == (10, 10)
    assert supplier_stock_matches_log(pg_shop.db)
