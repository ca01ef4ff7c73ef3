"""Races on PostgreSQL: many orders for the last units, and one order sent many times at once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select, text

from crossdock.database import make_engine, make_session_factory
from domain.errors import DomainError
from domain.inventory import ledger
from domain.inventory.adjustments import AdjustmentReason
from domain.inventory.ledger import StockMoved
from domain.inventory.models import InventoryLevel, MovementKind
from domain.orders.cancellation import cancel_order
from domain.orders.creation import create_order
from domain.orders.models import Order, OrderLine, OrderStatus
from domain.outbox.models import OutboxEvent
from persistence.base import new_id
from persistence.unit_of_work import UnitOfWork
from services.stock import adjust, record_count
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork
from tests.domain.orders.conftest import Shop
from tests.factories import count_rows
from tests.factories_orders import levels_match_ledger, order_command, run

RACERS = 24


def race(
    shop: Shop,
    work: Callable[[Any, int], Any],
    racers: int = RACERS,
    again: Callable[[Any, int], Any] | None = None,
) -> list[Any]:
    """Run `work(unit, i)` in `racers` threads, each with its own connection, all at once;
    a racer whose `work` raised StockMoved runs `again(unit, i)` in a new unit."""
    engine = make_engine(shop.db.url, pool_size=racers, max_overflow=0)
    factory = make_session_factory(engine)
    barrier = threading.Barrier(racers)

    def one(i: int) -> Any:
        try:
            with UnitOfWork(factory, shop.tenant.provider_id) as unit:
                unit.session.connection()  # hold a connection before the start signal
                barrier.wait(timeout=30)
                result = work(unit, i)
                unit.commit()
                return result
        except StockMoved:
            if again is None:
                raise
        with UnitOfWork(factory, shop.tenant.provider_id) as unit:
            result = again(unit, i)
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


def creator(scope: TenantScope, late: bool, **changes: Any) -> Callable[[Any, int], Any]:
    """A racer creating order RACE-i (`late`: reserving at the end, as the API does)."""
    return lambda unit, i: create_order(
        as_caller(unit, scope), order_command(f"RACE-{i}", **changes), late=late
    )


@pytest.mark.parametrize("late", [False, True], ids=["locked", "late"])
def test_concurrent_orders_never_oversell_the_last_units(pg_shop, late):
    # given: 5 units across two warehouses, 24 buyers of one unit each
    pg_shop.stock("SKU-1", "WH-A", 3)
    pg_shop.stock("SKU-1", "WH-B", 2)
    scope = pg_shop.client()
    # when: a late racer that finds its stock gone starts again with the levels locked
    results = race(pg_shop, creator(scope, late), again=creator(scope, False))
    # then
    statuses = [created.order.status for created in results]
    assert statuses.count(OrderStatus.ALLOCATED) == 5
    assert statuses.count(OrderStatus.BACKORDERED) == RACERS - 5
    with TenantUnitOfWork(pg_shop.db.session_factory, pg_shop.tenant.scope) as uow:
        assert uow.session.scalar(select(func.sum(OrderLine.allocated_quantity))) == 5
    assert levels_match_ledger(pg_shop.db)


@pytest.mark.parametrize("late", [False, True], ids=["locked", "late"])
def test_one_order_sent_many_times_at_once_is_created_once(pg_shop, late):
    # given
    pg_shop.stock("SKU-1", "WH-A", 50)
    scope = pg_shop.client()
    command = order_command("SAME", lines=(("SKU-1", 2),))
    # when
    results = race(
        pg_shop,
        lambda unit, i: create_order(as_caller(unit, scope), command, late=late),
        racers=10,
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


@pytest.mark.parametrize("late", [False, True], ids=["locked", "late"])
def test_orders_cancels_adjustments_and_counts_racing_on_shared_levels_never_deadlock(
    pg_shop, late
):
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

    def work(unit: UnitOfWork, i: int, late: bool = late) -> Any:
        product = pg_shop.products[skus[i % 2]]
        warehouse = pg_shop.warehouses[warehouses[(i // 2) % 2]]
        try:
            match i % 4:
                case 0:
                    lines = both if i % 8 else tuple(reversed(both))
                    return create_order(
                        as_caller(unit, scope),
                        order_command(f"NEW-{i}", lines=lines),
                        late=late,
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
    results = race(pg_shop, work, again=lambda unit, i: work(unit, i, late=False))
    # then: every racer finished (a deadlock raises out of `race`), and the books still add up
    assert len(results) == RACERS
    assert levels_match_ledger(pg_shop.db)
    with TenantUnitOfWork(pg_shop.db.session_factory, pg_shop.tenant.scope) as uow:
        levels = uow.session.scalars(select(InventoryLevel)).all()
        assert all(level.available >= 0 for level in levels)
        allocated = uow.session.scalar(select(func.sum(OrderLine.allocated_quantity)))
        assert allocated == sum(level.allocated for level in levels)


def _allocation(level: InventoryLevel, quantity: int) -> ledger.Posting:
    return ledger.Posting(level, MovementKind.ALLOCATION, allocated=quantity, reason="order")


def test_a_reservation_from_unlocked_levels_refuses_stock_taken_meanwhile(pg_shop):
    # given: 2 units, read without a lock
    pg_shop.stock("SKU-1", "WH-A", 2)
    with TenantUnitOfWork(pg_shop.db.session_factory, pg_shop.provider) as uow:
        level = uow.session.scalars(select(InventoryLevel)).one()
        assert level.available == 2
        # when: another order takes both units and commits, then this one reserves one
        taken = run(
            pg_shop.db,
            pg_shop.client(),
            create_order,
            order_command("FIRST", lines=(("SKU-1", 2),)),
        )
        ledger.reserve(uow, [_allocation(level, 1)])
        with pytest.raises(StockMoved):
            uow.flush()  # the reservation goes with the transaction's new rows
    # then: rolled back, nothing of it stands
    assert taken.order.status is OrderStatus.ALLOCATED
    with TenantUnitOfWork(pg_shop.db.session_factory, pg_shop.provider) as uow:
        assert uow.session.scalars(select(InventoryLevel)).one().allocated == 2
    assert levels_match_ledger(pg_shop.db)


def test_a_reservation_from_unlocked_levels_reports_the_levels_as_locked(pg_shop):
    # given: 2 units, read without a lock
    pg_shop.stock("SKU-1", "WH-A", 2)
    with TenantUnitOfWork(pg_shop.db.session_factory, pg_shop.provider) as uow:
        level = uow.session.scalars(select(InventoryLevel)).one()
        # when: 3 more are found and committed meanwhile, then 1 and 2 units are reserved
        product, warehouse = pg_shop.products["SKU-1"], pg_shop.warehouses["WH-A"]
        run(pg_shop.db, pg_shop.provider, adjust, product, warehouse, 3, AdjustmentReason.FOUND)
        ledger.reserve(uow, [_allocation(level, 1), _allocation(level, 2)])
        uow.commit()
    # then: the events carry the levels as they were after each movement, not as first read
    with TenantUnitOfWork(pg_shop.db.session_factory, pg_shop.provider) as uow:
        assert uow.session.scalars(select(InventoryLevel)).one().available == 2
        events = uow.session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.topic == "stock.changed")
            .order_by(OutboxEvent.created_at, OutboxEvent.id)
        ).all()
        allocations = [e.payload for e in events if e.payload["kind"] == "allocation"]
    assert sorted((p["on_hand"], p["allocated"], p["available"]) for p in allocations) == [
        (5, 1, 4),
        (5, 3, 2),
    ]
    assert levels_match_ledger(pg_shop.db)


def test_a_reservation_locks_its_levels_only_in_the_last_statement(pg_shop):
    # given: 2 units, read without a lock, and 1 reserved from them (not yet sent)
    pg_shop.stock("SKU-1", "WH-A", 2)
    with TenantUnitOfWork(pg_shop.db.session_factory, pg_shop.provider) as uow:
        level = uow.session.scalars(select(InventoryLevel)).one()
        ledger.reserve(uow, [_allocation(level, 1)])
        # when: another transaction changes the level meanwhile, without waiting for it
        owner = make_engine(pg_shop.db.admin_url)
        try:
            with owner.begin() as other:
                other.execute(text("SET LOCAL lock_timeout = '2s'"))
                other.execute(text("UPDATE inventory_levels SET on_hand = on_hand + 3"))
                other.execute(
                    text(
                        "INSERT INTO inventory_movements (provider_id, id, client_id,"
                        " product_id, warehouse_id, kind, on_hand_delta, allocated_delta,"
                        " unsellable_delta, incoming_delta, reason, actor, created_at)"
                        " SELECT provider_id, :id, client_id, product_id, warehouse_id,"
                        " 'adjustment', 3, 0, 0, 0, 'found', 'test', now()"
                        " FROM inventory_levels"
                    ),
                    {"id": new_id()},
                )
        finally:
            owner.dispose()
        # and the reservation is sent with the commit
        uow.commit()
    # then: it reserved from the level as changed, and said so
    with TenantUnitOfWork(pg_shop.db.session_factory, pg_shop.provider) as uow:
        assert uow.session.scalars(select(InventoryLevel)).one().available == 4
        events = uow.session.scalars(
            select(OutboxEvent).where(OutboxEvent.topic == "stock.changed")
        ).all()
    [allocation] = [e.payload for e in events if e.payload["kind"] == "allocation"]
    assert (allocation["on_hand"], allocation["allocated"], allocation["available"]) == (5, 1, 4)
    assert levels_match_ledger(pg_shop.db)
