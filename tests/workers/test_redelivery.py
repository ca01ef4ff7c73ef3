"""The redelivery sweep: what a consumer did not process is published again, once per window,
with the message id it had; what every consumer processed is left alone."""

from __future__ import annotations

import argparse
import uuid
from datetime import UTC, datetime, timedelta

import dramatiq
import dramatiq.broker
import pytest
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import event as sa_event
from sqlalchemy import select

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

from crossdock.broker import make_broker
from crossdock.database import make_engine, make_session_factory
from crossdock.outbox_commands import since_time
from domain.orders.models import FulfillmentOrder, FulfillmentStatus
from domain.outbox.consumption import first_time, processed_pairs
from domain.outbox.events import Topic, record
from domain.outbox.models import OutboxEvent
from domain.shipping.models import CarrierKind
from persistence.base import utcnow
from services.redelivery import MARK_RETENTION, MAX_REDELIVERIES, replay
from telemetry.metrics import instruments
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories import make_tenant
from tests.outbox_factories import record_events
from tests.shipping_factories import make_shipping_world
from tests.workers.stub_queues import drain
from workers import dispatch as dispatch_actors
from workers import redelivery, runtime
from workers.relay import message_id, publish_pending
from workers.routing import Route

BILLING = Route("accrue_charges", None, "billing")
CARRIERS = Route("dispatch_fulfillment", frozenset({Topic.FULFILLMENT_PACKED.value}), "dispatch")
ROUTES = [BILLING, CARRIERS]
WINDOW = timedelta(minutes=10)


@pytest.fixture
def clock(database, monkeypatch):
    """The sweep's clock, moved by hand; actors use the test database."""
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    runtime.configure_redelivery_window(WINDOW)
    now = [utcnow()]
    monkeypatch.setattr(redelivery, "clock", lambda: now[0])
    return now


def mark(database, tenant, event_id: uuid.UUID, consumer: str) -> bool:
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        new = first_time(uow, event_id, consumer)
        uow.commit()
    return new


def settled(database, ids) -> dict[uuid.UUID, bool]:
    engine = make_engine(database.admin_url)
    try:
        with make_session_factory(engine)() as session:
            rows = session.execute(
                select(OutboxEvent.id, OutboxEvent.settled_at).where(OutboxEvent.id.in_(ids))
            )
            return {event_id: stamp is not None for event_id, stamp in rows}
    finally:
        engine.dispose()


def redelivered(consumer: str) -> float:
    value = instruments().registry.get_sample_value(
        "crossdock_outbox_redelivered_total", {"consumer": consumer}
    )
    return value or 0.0


def test_events_the_broker_lost_are_sent_again_with_their_ids_to_the_consumers_not_done(
    database, clock
):
    # given: three events published, then lost by the broker; one was billed before
    tenant = make_tenant(database)
    created = record_events(database, tenant, 3)
    [packed] = record_events(database, tenant, 1, Topic.FULFILLMENT_PACKED)
    broker = make_broker(None)
    publish_pending(database.session_factory, broker, routes=ROUTES)
    drain(broker, "billing"), drain(broker, "dispatch")
    assert mark(database, tenant, created[0], "accrue_charges")
    before = redelivered("accrue_charges")
    # when: a sweep inside the window, then one past it
    redelivery.sweep_provider(str(tenant.provider_id), broker, ROUTES)
    early = drain(broker, "billing")
    clock[0] += WINDOW + timedelta(seconds=1)
    redelivery.sweep_provider(str(tenant.provider_id), broker, ROUTES)
    # then: nothing early; afterwards the unbilled ones and the undispatched one, same ids
    assert early == []
    billed = drain(broker, "billing")
    dispatched = drain(broker, "dispatch")
    assert sorted(m.message_id for m in billed) == sorted(
        message_id(e, "accrue_charges") for e in (*created[1:], packed)
    )
    assert [m.message_id for m in dispatched] == [message_id(packed, "dispatch_fulfillment")]
    assert [m.args for m in dispatched] == [(str(tenant.provider_id), str(packed))]
    assert redelivered("accrue_charges") - before == 3
    assert settled(database, created) == {created[0]: True, created[1]: False, created[2]: False}


def test_once_every_consumer_marked_an_event_it_is_settled_and_never_sent_again(database, clock):
    # given: an event lost, re-sent once, then processed by both consumers
    tenant = make_tenant(database)
    [packed] = record_events(database, tenant, 1, Topic.FULFILLMENT_PACKED)
    broker = make_broker(None)
    publish_pending(database.session_factory, broker, routes=ROUTES)
    drain(broker, "billing"), drain(broker, "dispatch")
    clock[0] += WINDOW * 2
    redelivery.sweep_provider(str(tenant.provider_id), broker, ROUTES)
    assert (len(drain(broker, "billing")), len(drain(broker, "dispatch"))) == (1, 1)
    mark(database, tenant, packed, "accrue_charges")
    mark(database, tenant, packed, "dispatch_fulfillment")
    # when: two more windows pass
    for _ in range(2):
        clock[0] += WINDOW * 2
        redelivery.sweep_provider(str(tenant.provider_id), broker, ROUTES)
    # then
    assert drain(broker, "billing") == []
    assert drain(broker, "dispatch") == []
    assert settled(database, [packed]) == {packed: True}


def test_a_consumer_that_never_finishes_is_given_up_on_after_the_last_redelivery(database, clock):
    # given
    tenant = make_tenant(database)
    [created] = record_events(database, tenant, 1)
    broker = make_broker(None)
    publish_pending(database.session_factory, broker, routes=ROUTES)
    drain(broker, "billing")
    # when: many windows pass and the consumer never marks it
    sent = []
    for _ in range(MAX_REDELIVERIES + 3):
        clock[0] += WINDOW + timedelta(seconds=1)
        redelivery.sweep_provider(str(tenant.provider_id), broker, ROUTES)
        sent += drain(broker, "billing")
    # then: re-sent at most MAX times, then settled (replay is the way on)
    assert len(sent) == MAX_REDELIVERIES
    assert settled(database, [created]) == {created: True}


def test_giving_up_names_every_way_the_work_is_sent_again(database, clock, caplog):
    # given a consumer whose work something besides a replay sends again, never finishing
    tenant = make_tenant(database)
    [created] = record_events(database, tenant, 1)
    reports = Route("report_to_shop", None, "billing", resent_by="new credentials for its shop")
    broker = make_broker(None)
    publish_pending(database.session_factory, broker, routes=[BILLING, reports])
    drain(broker, "billing")
    # when the sweep gives up on it
    with caplog.at_level("ERROR", logger="crossdock.redelivery"):
        for _ in range(MAX_REDELIVERIES + 1):
            clock[0] += WINDOW + timedelta(seconds=1)
            redelivery.sweep_provider(str(tenant.provider_id), broker, [BILLING, reports])
            drain(broker, "billing")
    # then the error names the replay, and for that consumer the other way, once
    [gave_up] = [r.getMessage() for r in caplog.records if "giving up" in r.getMessage()]
    assert str(created) in gave_up
    assert "crossdock outbox replay sends it again" in gave_up
    assert gave_up.count("for report_to_shop, also new credentials for its shop") == 1
    assert "for accrue_charges" not in gave_up


def test_a_shipment_report_given_up_on_says_what_sends_it_again():
    from workers import channels

    [route] = [r for r in redelivery.ROUTES if r.actor_name == "report_channel_shipment"]
    assert route.resent_by == channels.REPORTS_RESENT_BY
    assert "new credentials" in route.resent_by
    assert "connection check" in route.resent_by


def test_another_providers_sweep_sends_nothing_of_this_one(database, clock):
    # given
    north, south = make_tenant(database, "Northwind"), make_tenant(database, "Southwind")
    record_events(database, north, 2)
    broker = make_broker(None)
    publish_pending(database.session_factory, broker, routes=ROUTES)
    drain(broker, "billing")
    clock[0] += WINDOW * 2
    # when
    redelivery.sweep_provider(str(south.provider_id), broker, ROUTES)
    # then
    assert drain(broker, "billing") == []


def test_marking_an_event_costs_one_statement_and_a_second_mark_changes_nothing(database):
    # given
    tenant = make_tenant(database)
    [event_id] = record_events(database, tenant, 1)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        uow.session.connection()  # the transaction (and its tenant setting) begins here
        sa_event.listen(database.engine, "before_cursor_execute", count)
        try:
            # when
            first = first_time(uow, event_id, "accrue_charges")
            second = first_time(uow, event_id, "accrue_charges")
        finally:
            sa_event.remove(database.engine, "before_cursor_execute", count)
        uow.commit()
    # then
    assert (first, second) == (True, False)
    assert len(statements) == 2


@pytest.fixture
def world(database, monkeypatch):
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    runtime.configure_redelivery_window(WINDOW)
    return make_shipping_world(database)


def test_a_packed_order_no_dispatch_started_is_dispatched_by_the_sweep_once(world, monkeypatch):
    # given: a packed order whose dispatch message never came
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    fo_id = world.packed()
    broker = make_broker(None)
    monkeypatch.setattr(redelivery, "clock", lambda: utcnow() + WINDOW * 2)
    # when
    redelivery.sweep_provider(world.provider, broker, [])
    [message] = drain(broker, "dispatch")
    dispatch_actors.redispatch_fulfillment(*message.args)
    redelivery.sweep_provider(world.provider, broker, [])
    # then: shipped, one label, and the next sweep finds nothing
    assert message.actor_name == "redispatch_fulfillment"
    assert world.state(fo_id)[0] is FulfillmentStatus.SHIPPED
    assert len(world.shipments()) == 1
    assert drain(broker, "dispatch") == []


def test_a_packed_order_of_a_client_shipping_by_hand_is_left_alone(world, monkeypatch):
    # given: no carrier account: the warehouse ships it by hand
    world.packed()
    broker = make_broker(None)
    monkeypatch.setattr(redelivery, "clock", lambda: utcnow() + WINDOW * 2)
    # when
    redelivery.sweep_provider(world.provider, broker, [])
    # then
    assert drain(broker, "dispatch") == []


def test_replay_sends_every_published_event_since_a_time_to_the_chosen_consumers(database):
    # given: five published events and one older than the replay's start
    tenant = make_tenant(database)
    [old] = record_events(database, tenant, 1)
    broker = make_broker(None)
    publish_pending(database.session_factory, broker, routes=ROUTES)
    since = utcnow()
    recent = record_events(database, tenant, 5)
    publish_pending(database.session_factory, broker, routes=ROUTES)
    drain(broker, "billing")
    sent = []

    def units():
        return TenantUnitOfWork(database.session_factory, tenant.scope)

    # when: replayed in pages of two, to billing only
    counts = replay(
        units,
        since,
        lambda topic: ["accrue_charges"],
        lambda event, consumer: sent.append((event.id, consumer)),
        batch=2,
    )
    # then
    assert sorted(sent) == sorted((event_id, "accrue_charges") for event_id in recent)
    assert counts == {"accrue_charges": 5}
    assert old not in {event_id for event_id, _ in sent}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("90m", datetime(2026, 11, 30, 23, 30, tzinfo=UTC)),
        ("2h", datetime(2026, 11, 30, 23, 0, tzinfo=UTC)),
        ("1d", datetime(2026, 11, 30, 1, 0, tzinfo=UTC)),
        ("2026-11-30T22:15:00Z", datetime(2026, 11, 30, 22, 15, tzinfo=UTC)),
        ("2026-11-30T23:15:00+01:00", datetime(2026, 11, 30, 22, 15, tzinfo=UTC)),
        ("2026-11-30T22:15:00", datetime(2026, 11, 30, 22, 15, tzinfo=UTC)),
    ],
)
def test_replay_since_takes_an_iso_time_or_a_duration(value, expected):
    assert since_time(value, now=datetime(2026, 12, 1, 1, 0, tzinfo=UTC)) == expected


@pytest.mark.parametrize("value", ["yesterday", "5 weeks", "-1h", ""])
def test_replay_since_refuses_anything_else(value):
    with pytest.raises(argparse.ArgumentTypeError):
        since_time(value)


def marks(world, event_id) -> set[str]:
    with TenantUnitOfWork(world.db.session_factory, world.tenant.scope) as uow:
        return {consumer for _, consumer in processed_pairs(uow, [event_id])}


def test_dispatch_marks_its_event_in_the_transaction_that_records_the_label(world):
    # given
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    world.packed()
    event_id = world.events(Topic.FULFILLMENT_PACKED)[-1].id
    statements: list[str] = []

    def watch(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    # when
    sa_event.listen(world.db.engine, "before_cursor_execute", watch)
    try:
        dispatch_actors.dispatch_fulfillment(world.provider, str(event_id))
    finally:
        sa_event.remove(world.db.engine, "before_cursor_execute", watch)
    # then: one insert of the mark, right after the shipment's, before that commit
    assert marks(world, event_id) == {"dispatch_fulfillment"}
    marked = [n for n, s in enumerate(statements) if "INSERT INTO processed_events" in s]
    shipped = [n for n, s in enumerate(statements) if "INSERT INTO shipments" in s]
    assert len(marked) == 1
    assert shipped
    # in the same transaction: no new one (its tenant setting) began in between
    assert not any("set_config" in s for s in statements[shipped[0] : marked[0]])
    assert shipped[0] < marked[0]


def test_an_event_that_names_nothing_to_dispatch_is_marked_all_the_same(world):
    # given: an order released from hold before anything was packed
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    fo_id = world.order()
    with TenantUnitOfWork(world.db.session_factory, world.tenant.scope) as uow:
        order_id = uow.get(FulfillmentOrder, fo_id).order_id
        event_id = record(uow, Topic.ORDER_RELEASED, aggregate_type="Order",
                          aggregate_id=order_id, client_id=None,
                          payload={"order_id": str(order_id)}).id  # fmt: skip
        uow.commit()
    # when
    dispatch_actors.dispatch_fulfillment(world.provider, str(event_id))
    # then
    assert marks(world, event_id) == {"dispatch_fulfillment"}


def test_marks_older_than_the_retention_are_forgotten_and_recent_ones_kept(database, clock):
    # given: a mark of an event recorded now
    tenant = make_tenant(database)
    [event_id] = record_events(database, tenant, 1)
    mark(database, tenant, event_id, "accrue_charges")
    broker = make_broker(None)
    # when: a sweep a day later, then one past the retention
    clock[0] += timedelta(days=1)
    redelivery.sweep_provider(str(tenant.provider_id), broker, ROUTES)
    kept = not mark(database, tenant, event_id, "accrue_charges")
    clock[0] += MARK_RETENTION
    redelivery.sweep_provider(str(tenant.provider_id), broker, ROUTES)
    forgotten = mark(database, tenant, event_id, "accrue_charges")
    # then
    assert kept
    assert forgotten


def test_one_sweep_settles_more_than_one_batch(database, clock, monkeypatch):
    # given: five events every consumer processed, batches of two
    tenant = make_tenant(database)
    ids = record_events(database, tenant, 5)
    broker = make_broker(None)
    publish_pending(database.session_factory, broker, routes=ROUTES)
    drain(broker, "billing")
    for event_id in ids:
        mark(database, tenant, event_id, "accrue_charges")
    monkeypatch.setattr(redelivery, "BATCH", 2)
    clock[0] += WINDOW * 2
    # when
    redelivery.sweep_provider(str(tenant.provider_id), broker, ROUTES)
    # then
    assert settled(database, ids) == dict.fromkeys(ids, True)
    assert drain(broker, "billing") == []
