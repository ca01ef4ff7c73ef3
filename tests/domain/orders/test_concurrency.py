"""Races on PostgreSQL: many orders for the last units, and one order sent many times at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select

from crossdock.database import make_engine, make_session_factory
from domain.errors import DomainError
from domain.inventory.adjustments import AdjustmentReason
from domain.inventory.models import InventoryLevel
from domain.orders.cancellation import cancel_order
from domain.orders.creation import create_order
from domain.orders.models import Order, OrderLine, OrderStatus
from persistence.unit_of_work import UnitOfWork
from services.stock import adjust, record_count
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork
from tests.domain.orders.conftest import Shop
from tests.factories import count_rows
from tests.factories_orders import levels_match_ledger, order_command, run

RACERS = 24


def race(shop: Shop, work: Callable[[Any, int], Any], racers: int = RACERS) -> list[Any]:
    """Run `work(unit, i)` in `racers` threads, each with its own connection, all at once."""
    engine = make_engine(shop.db.url, pool_size=racers, max_overflow=0)
    factory = make_session_factory(engine)
    barrier = threading.Barrier(racers)

    def one(i: int) -> Any:
        with UnitOfWork(factory, shop.tenant.provider_id) as unit:
            unit.session.connection()  # hold a connection before the start signal
            barrier.wait(timeout=30)
            result = work(unit, i)
            unit.commit()
            return result

    try:
        with ThreadPoolExecutor(max_workers=racers) as pool:
            return list(pool.map(one, range(racers)))
    finally:
        engine.dispose()


def as_caller(unit: UnitOfWork, scope: TenantScope) -> TenantUnitOfWork:
    """The racer's unit of work acting for `scope`."""
    return TenantUnitOfWork.sharing(unit, scope)


def test_concurrent_orders_never_oversell_the_last_units(pg_shop):
    # given: 5 units across two warehouses, 24 buyers of one unit each
    pg_shop.stock("SKU-1", "WH-A", 3)
    pg_shop.stock("SKU-1", "WH-B", 2)
    scope = pg_shop.client()
    # when
    results = race(
        pg_shop, lambda unit, i: create_order(as_caller(unit, scope), order_command(f"RACE-{i}"))
    )
    # then
    statuses = [created.order.status for created in results]
    assert statuses.count(OrderStatus.ALLOCATED) == 5
    assert statuses.count(OrderStatus.BACKORDERED) == RACERS - 5
    with TenantUnitOfWork(pg_shop.db.session_factory, pg_shop.tenant.scope) as uow:
        assert uow.session.scalar(select(func.sum(OrderLine.allocated_quantity))) == 5
    assert levels_match_ledger(pg_shop.db)


def test_one_order_sent_many_times_at_once_is_created_once(pg_shop):
    # given
    pg_shop.stock("SKU-1", "WH-A", 50)
    scope = pg_shop.client()
    command = order_command("SAME", lines=(("SKU-1", 2),))
    # when
    results = race(
        pg_shop, lambda unit, i: create_order(as_caller(unit, scope), command), racers=10
    )
    # then
    assert len({created.order.id for created in results}) == 1
    assert [created.created for created in results].count(True) == 1
    assert count_rows(pg_shop.db, "orders") == 1
    assert count_rows(pg_shop.db, "fulfillment_orders") == 1
    receipts = 1
    assert count_rows(pg_shop.db, "inventory_movements") == receipts + 1
    with TenantUnitOfWork(pg_shop.db.session_factory, pg_shop.tenant.scope) as uow:
        order = uow.session.scalars(select(Order)).one()
        assert order.status is OrderStatus.ALLOCATED
    assert levels_match_ledger(pg_shop.db)


def test_orders_cancels_adjustments_and_counts_racing_on_shared_levels_never_deadlock(pg_shop):
    # given: a little stock of two products in two warehouses, and orders waiting for more
    for sku in ("SKU-1", "SKU-2"):
        for warehouse in ("WH-A", "WH-B"):
            pg_shop.stock(sku, warehouse, 2)
    scope, provider = pg_shop.client(), pg_shop.provider
    both = (("SKU-1", 3), ("SKU-2", 3))
    waiting = [
        run(pg_shop.db, scope, create_order, order_command(f"OLD-{i}", lines=both)).order.id
        for i in range(RACERS)
    ]
    skus, warehouses = ["SKU-1", "SKU-2"], ["WH-A", "WH-B"]

    def work(unit: UnitOfWork, i: int) -> Any:
        product = pg_shop.products[skus[i % 2]]
        warehouse = pg_shop.warehouses[warehouses[(i // 2) % 2]]
        try:
            match i % 4:
                case 0:
                    lines = both if i % 8 else tuple(reversed(both))
                    return create_order(
                        as_caller(unit, scope), order_command(f"NEW-{i}", lines=lines)
                    )
                case 1:
                    return adjust(
                        as_caller(unit, provider), product, warehouse, 2, AdjustmentReason.FOUND
                    )
                case 2:
                    return cancel_order(as_caller(unit, provider), waiting[i])
                case _:
                    return record_count(as_caller(unit, provider), product, warehouse, 7)
        except DomainError as refused:  # e.g. a count below what is allocated: fine, not a deadlock
            return refused

    # when
    results = race(pg_shop, work)
    # then: every racer finished (a deadlock raises out of `race`), and the books still add up
    assert len(results) == RACERS
    assert levels_match_ledger(pg_shop.db)
    with TenantUnitOfWork(pg_shop.db.session_factory, pg_shop.tenant.scope) as uow:
        levels = uow.session.scalars(select(InventoryLevel)).all()
        assert all(level.available >= 0 for level in levels)
        allocated = uow.session.scalar(select(func.sum(OrderLine.allocated_quantity)))
        assert allocated == sum(level.allocated for level in levels)
