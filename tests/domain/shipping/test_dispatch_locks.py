"""On PostgreSQL, recording a shipment and noting a failure of the same order at once never
deadlock: every dispatch path locks levels, then the order, the fulfillment order, the attempt.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import event, select

from crossdock.database import make_engine, make_session_factory
from domain.orders.models import FulfillmentStatus
from domain.outbox.events import Topic
from domain.shipping.carriers.base import Label, PermanentCarrierError
from domain.shipping.dispatch import choose, record_shipment
from domain.shipping.models import CarrierKind, DispatchAttempt, DispatchStatus
from domain.shipping.planning import plan_dispatch
from domain.shipping.quotes import Quote
from services.dispatch import dispatch_event, fail, give_up, pin
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories_orders import levels_match_ledger
from tests.shipping_factories import ShippingWorld, make_shipping_world

WAIT_SECONDS = 10
"""Bounds every wait: the start barrier, and any lock (a deadlock is reported after ~1 s)."""


def bought_label(world: ShippingWorld, fo_id: uuid.UUID) -> tuple[Quote, Label]:
    """Plan and pin a dispatch (its attempt row exists), and buy the label, as a worker does."""
    with TenantUnitOfWork(world.db.session_factory, world.tenant.scope) as uow:
        plan = plan_dispatch(uow, fo_id)
        uow.commit()
    assert plan is not None
    quote = pin(lambda: TenantUnitOfWork(world.db.session_factory, world.tenant.scope),
                plan, choose(plan))  # fmt: skip
    carrier = plan.carriers[quote.account_id]
    rate, parcel, ship_from, ship_to = quote.rate, quote.parcel, quote.ship_from, quote.ship_to
    label = carrier.buy_label(rate, parcel, ship_from, ship_to, quote.idempotency_key)
    return quote, label


def race_after_first_lock(url: str, *work: Callable[[Any], Any]) -> list[Any]:
    """Run each `work(session_factory)` in its own thread and connection; each pauses after
    its first row lock until all have taken theirs, so their next locks overlap.
    """
    engine = make_engine(
        url,
        pool_size=len(work),
        max_overflow=0,
        connect_args={"options": f"-c lock_timeout={WAIT_SECONDS * 1000}"},
    )
    factory = make_session_factory(engine)
    barrier = threading.Barrier(len(work), timeout=WAIT_SECONDS)
    paused = threading.local()

    @event.listens_for(engine, "after_cursor_execute")
    def pause_after_first_lock(conn, cursor, statement, parameters, context, executemany):
        if "FOR UPDATE" in statement and not getattr(paused, "done", False):
            paused.done = True
            barrier.wait()

    try:
        with ThreadPoolExecutor(max_workers=len(work)) as pool:
            futures = [pool.submit(one, factory) for one in work]
            return [future.result(timeout=WAIT_SECONDS * 3) for future in futures]
    finally:
        assert not barrier.broken, "a path took no row lock, or blocked on its first one"
        engine.dispose()


def run_at_once(url: str, *work: Callable[[Any], Any]) -> list[Any]:
    """Run each `work(session_factory)` in its own thread and connection, released together."""
    engine = make_engine(
        url,
        pool_size=len(work),
        max_overflow=0,
        connect_args={"options": f"-c lock_timeout={WAIT_SECONDS * 1000}"},
    )
    factory = make_session_factory(engine)
    barrier = threading.Barrier(len(work), timeout=WAIT_SECONDS)

    def started(one: Callable[[Any], Any]) -> Any:
        barrier.wait()
        return one(factory)

    try:
        with ThreadPoolExecutor(max_workers=len(work)) as pool:
            futures = [pool.submit(started, one) for one in work]
            return [future.result(timeout=WAIT_SECONDS * 3) for future in futures]
    finally:
        engine.dispose()


@pytest.mark.parametrize("other", ["fail", "give_up"])
def test_recording_a_shipment_and_failing_at_once_never_deadlock(postgres_database, other):
    # given: a packed order whose label is bought, its attempt pinned
    world = make_shipping_world(postgres_database)
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    fo_id = world.packed()
    quote, label = bought_label(world, fo_id)
    provider = world.tenant.provider_id

    def record(factory: Any) -> Any:
        with TenantUnitOfWork.operator(factory, provider) as uow:
            recorded = record_shipment(uow, fo_id, quote, label)
            uow.commit()
            return recorded

    def failing(factory: Any) -> Any:
        def new_unit() -> TenantUnitOfWork:
            return TenantUnitOfWork.operator(factory, provider)

        if other == "fail":
            refused = PermanentCarrierError("address refused", carrier="Crossdock Post")
            return fail(new_unit, fo_id, refused, permanent=True)
        return give_up(new_unit, fo_id, 7)

    # when: both run at once (a deadlock raises out of the race)
    recorded, _ = race_after_first_lock(postgres_database.url, record, failing)
    # then: one of them won, and the order, its attempt and its shipment agree
    status, _, tracking = world.state(fo_id)
    with TenantUnitOfWork.operator(postgres_database.session_factory, provider) as uow:
        attempt = uow.session.scalars(
            select(DispatchAttempt).where(DispatchAttempt.fulfillment_order_id == fo_id)
        ).one()
        attempt_status = attempt.status
    shipments = world.shipments()
    if recorded is None:
        assert status is FulfillmentStatus.EXCEPTION
        assert shipments == []
        assert attempt_status is (
            DispatchStatus.FAILED if other == "fail" else DispatchStatus.QUOTED
        )
    else:
        assert status is FulfillmentStatus.SHIPPED
        assert [s.tracking_number for s in shipments] == [tracking]
        assert attempt_status is DispatchStatus.SHIPPED


@pytest.mark.parametrize("other", ["again", "give_up"])
def test_a_label_shipped_in_one_transaction_races_its_redelivery_or_a_give_up(
    postgres_database, other
):
    # given: a packed order of a client shipping with the rate-table carrier (one transaction)
    world = make_shipping_world(postgres_database)
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    fo_id = world.packed()
    [packed] = world.events(Topic.FULFILLMENT_PACKED)
    provider = world.tenant.provider_id

    def ship(factory: Any) -> Any:
        def new_unit() -> TenantUnitOfWork:
            return TenantUnitOfWork.operator(factory, provider)

        return dispatch_event(new_unit, packed.id, consumer="dispatch_fulfillment")

    def rival(factory: Any) -> Any:
        if other == "again":
            return ship(factory)
        return give_up(lambda: TenantUnitOfWork.operator(factory, provider), fo_id, 7)

    # when: both run at once (a deadlock raises); a give-up pauses after its first row lock
    # for the label's, while two labels' transactions queue on their first (the levels)
    if other == "again":
        run_at_once(postgres_database.url, ship, rival)
    else:
        race_after_first_lock(postgres_database.url, ship, rival)
    # then: one label at most, and the order, its shipment and the stock agree
    status, _, tracking = world.state(fo_id)
    shipments = world.shipments()
    if status is FulfillmentStatus.SHIPPED or other == "again":
        assert status is FulfillmentStatus.SHIPPED
        assert [s.tracking_number for s in shipments] == [tracking]
    else:
        assert (status, shipments) == (FulfillmentStatus.EXCEPTION, [])
    assert levels_match_ledger(postgres_database)
