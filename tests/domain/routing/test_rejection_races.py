"""Races between a supplier's refusal, the order's cancellation and stock reports (PostgreSQL).

All three lock in one order (inventory levels, orders, fulfillment orders, supplier stock),
so racing them never deadlocks, and whoever wins, every unit is accounted for once.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select

from crossdock.database import make_engine, make_session_factory
from domain.errors import DomainError
from domain.orders.cancellation import cancel_order
from domain.orders.creation import create_order
from domain.orders.models import FulfillmentOrder, OrderLine, OrderStatus, RejectionReason
from domain.routing.rule_sets import save_rules
from domain.routing.rules import Rule, SourceKind, SourceRef
from domain.suppliers.reports import StockReport
from persistence.unit_of_work import UnitOfWork
from services.suppliers import reject_fulfillment, report_supplier_stock
from tenants.unit_of_work import TenantUnitOfWork
from tests.domain.orders.conftest import Shop
from tests.domain.orders.test_concurrency import as_caller
from tests.factories_orders import level_of, levels_match_ledger, order_command, run
from tests.supplier_factories import link, make_supplier, supplier_level, supplier_stock_matches_log

ORDERS = 8


def race_all(shop: Shop, jobs: list) -> list[Any]:
    """Run each job(unit) in its own thread and connection, all released at once; a refusal
    (DomainError) rolls its job back and is returned, anything else (a deadlock) is raised."""
    engine = make_engine(shop.db.url, pool_size=len(jobs), max_overflow=0)
    factory = make_session_factory(engine)
    barrier = threading.Barrier(len(jobs))

    def one(job) -> Any:
        with UnitOfWork(factory, shop.tenant.provider_id) as unit:
            unit.session.connection()
            barrier.wait(timeout=30)
            try:
                result = job(unit)
            except DomainError as refused:
                return refused
            unit.commit()
            return result

    try:
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            return list(pool.map(one, jobs))
    finally:
        engine.dispose()


def test_refusals_cancellations_and_stock_reports_racing_never_deadlock(pg_shop):
    # given: orders of 1 x SKU-1 (WH-A) and 2 x SKU-3 (ACME first, WH-A second)
    shop = pg_shop
    shop.stock("SKU-1", "WH-A", ORDERS)
    shop.stock("SKU-3", "WH-A", ORDERS)
    acme = make_supplier(shop.db, shop.tenant)
    link(shop.db, shop.tenant, acme, shop.products["SKU-3"], available=2 * ORDERS,
         supplier_sku="AC-3")  # fmt: skip
    sources = (
        SourceRef(SourceKind.SUPPLIER, acme),
        SourceRef(SourceKind.WAREHOUSE, shop.warehouses["WH-A"]),
    )
    rule = Rule("acme-first", sources=sources, prefer_complete=False)
    run(shop.db, shop.provider, save_rules, shop.tenant.clients["A"].id, (rule,))
    client = shop.client()
    lines = (("SKU-1", 1), ("SKU-3", 2))
    made = [
        run(shop.db, client, create_order, order_command(f"X-{i}", lines)) for i in range(ORDERS)
    ]
    refused = _supplier_parts(shop, acme)
    assert len(refused) == ORDERS
    scope = shop.provider
    report = [StockReport(available=2 * ORDERS, field="lines.0", supplier_sku="AC-3")]
    # when: each order is refused by ACME and cancelled at once, while ACME reports stock
    jobs = []
    for created in made:
        fo_id = refused[created.order.id]
        jobs.append(lambda u, f=fo_id: reject_fulfillment(
            as_caller(u, scope), f, RejectionReason.OUT_OF_STOCK))  # fmt: skip
        jobs.append(lambda u, o=created.order.id: cancel_order(as_caller(u, scope), o))
    jobs += [lambda u: report_supplier_stock(as_caller(u, scope), acme, report)] * 2
    results = race_all(shop, jobs)
    # then: every cancellation won or followed; refusals after a cancellation were refused
    cancellations = results[1 : 2 * ORDERS : 2]
    assert all(order.status is OrderStatus.CANCELLED for order in cancellations)
    late = [r for r in results[0 : 2 * ORDERS : 2] if isinstance(r, DomainError)]
    assert all(r.code == "ILLEGAL_TRANSITION" for r in late)
    # and: nothing is held for the cancelled orders anywhere
    with TenantUnitOfWork(shop.db.session_factory, shop.tenant.scope) as uow:
        held = uow.session.scalar(select(func.sum(OrderLine.allocated_quantity)))
    assert held == 0
    assert level_of(shop.db, shop.products["SKU-1"], shop.warehouses["WH-A"]) == (ORDERS, 0)
    assert level_of(shop.db, shop.products["SKU-3"], shop.warehouses["WH-A"]) == (ORDERS, 0)
    assert supplier_level(shop.db, acme, shop.products["SKU-3"])[1] == 0
    assert supplier_stock_matches_log(shop.db)
    assert levels_match_ledger(shop.db)


def _supplier_parts(shop: Shop, supplier_id) -> dict:
    with TenantUnitOfWork(shop.db.session_factory, shop.tenant.scope) as uow:
        rows = uow.session.execute(
            select(FulfillmentOrder.order_id, FulfillmentOrder.id).where(
                FulfillmentOrder.supplier_id == supplier_id
            )
        ).all()
    return {order_id: fo_id for order_id, fo_id in rows}
