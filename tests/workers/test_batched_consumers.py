"""Batched consumers: the relay hands cheap consumers many events in one message, and each
event is still processed exactly once, whatever fails or comes again."""

from __future__ import annotations

import dramatiq
import dramatiq.broker
from dramatiq.brokers.stub import StubBroker

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest

from crossdock.broker import make_broker
from domain.billing.models import Charge
from domain.outbox.consumption import processed_pairs
from domain.outbox.events import Topic
from domain.webhooks.models import DeliveryStatus
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork
from tests.billing_factories import open_books, utc
from tests.factories import make_tenant
from tests.factories_webhooks import deliveries_of, make_endpoint, make_event
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.outbox_factories import record_events
from tests.sql_statements import every_statement, verbs
from tests.workers.stub_queues import drain
from workers import billing, redelivery, runtime
from workers import webhooks as hooks
from workers.relay import MAX_BATCHED_EVENTS, message_id, publish_pending
from workers.routing import Route, routes_for

BILLING = Route("accrue_charges", None, "billing", batched=True)
CARRIERS = Route("dispatch_fulfillment", frozenset({Topic.FULFILLMENT_PACKED.value}), "dispatch")
ROUTES = [BILLING, CARRIERS]


@pytest.fixture
def actors(database, monkeypatch):
    """Actors run against the test database; webhook retries are collected, not sent."""
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    scheduled: list[tuple] = []
    monkeypatch.setattr(hooks, "schedule", lambda actor, *args, delay_ms: scheduled.append(args))
    return scheduled


def marked(database, tenant, ids, consumer: str) -> set:
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        return {e for e, c in processed_pairs(uow, ids) if c == consumer}


def test_the_cheap_consumers_are_batched_and_dispatch_is_not():
    # given: the product's routes (the actor modules imported by the broker above)
    from workers.routing import ROUTES as routes

    # then
    batched = {route.actor_name for route in routes if route.batched}
    assert {"deliver_event_webhooks", "accrue_charges"} <= batched
    assert "dispatch_fulfillment" not in batched
    assert "deliver_event_webhooks" in routes_for(Topic.FULFILLMENT_SHIPPED.value)


def test_the_relay_sends_a_batched_consumer_one_message_per_provider(database):
    # given: events of two providers, one of them packed
    one, two = make_tenant(database, "One"), make_tenant(database, "Two")
    first = record_events(database, one, 3)
    [packed] = record_events(database, one, 1, Topic.FULFILLMENT_PACKED)
    second = record_events(database, two, 2)
    broker = make_broker(None)
    # when
    assert publish_pending(database.session_factory, broker, routes=ROUTES) == 6
    # then: one billing message per provider with its events in order; dispatch per event
    billed = {m.args[0]: m.args[1] for m in drain(broker, "billing")}
    assert billed == {
        str(one.provider_id): [str(e) for e in sorted([*first, packed])],
        str(two.provider_id): [str(e) for e in sorted(second)],
    }
    assert [m.args for m in drain(broker, "dispatch")] == [(str(one.provider_id), str(packed))]


def test_a_batch_message_carries_at_most_its_limit_of_events(database):
    # given
    tenant = make_tenant(database)
    record_events(database, tenant, MAX_BATCHED_EVENTS + 3)
    broker = make_broker(None)
    # when
    publish_pending(database.session_factory, broker, batch=500, routes=ROUTES)
    # then
    sizes = sorted(len(m.args[1]) for m in drain(broker, "billing"))
    assert sizes == [3, MAX_BATCHED_EVENTS]


def test_the_sweep_sends_a_lost_event_to_a_batched_consumer_as_a_batch_of_one(
    database, monkeypatch
):
    # given: an event published, lost by the broker, never billed
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    tenant = make_tenant(database)
    [event] = record_events(database, tenant, 1)
    broker = make_broker(None)
    publish_pending(database.session_factory, broker, routes=ROUTES)
    drain(broker, "billing")
    later = utcnow() + runtime.redelivery_window() + timedelta(seconds=1)
    monkeypatch.setattr(redelivery, "clock", lambda: later)
    # when
    redelivery.sweep_provider(str(tenant.provider_id), broker, ROUTES)
    # then: the same id as the event's own message, the shape the actor takes
    [again] = drain(broker, "billing")
    assert again.args == (str(tenant.provider_id), [str(event)])
    assert again.message_id == message_id(event, "accrue_charges")


def test_a_batch_no_endpoint_wants_costs_what_one_event_does(database, actors):
    # given: ten events nobody listens to, and one more
    tenant = make_tenant(database)
    events = [str(make_event(database, tenant)) for _ in range(11)]
    provider = str(tenant.provider_id)
    # when
    with every_statement(database.engine) as one:
        hooks.deliver_event_webhooks(provider, [events[0]])
    with every_statement(database.engine) as ten:
        hooks.deliver_event_webhooks(provider, events[1:])
    # then: the events, their marks, the endpoints (and the tenant setting), whatever the count
    most = 4 if database.backend == "postgresql" else 3
    assert len(one) <= most, "\n".join(verbs(one))
    assert len(ten) == len(one), "\n".join(verbs(ten))
    ids = [uuid.UUID(event) for event in events]
    assert marked(database, tenant, ids, "deliver_event_webhooks") == set(ids)


def test_a_batch_reaches_each_endpoint_once_per_event_however_often_it_comes(database, actors):
    # given: a provider endpoint hearing everything, a client B endpoint, events of A and B
    tenant = make_tenant(database)
    with WebhookReceiver() as everything, WebhookReceiver() as only_b:
        _, everything.secret = make_endpoint(database, tenant, everything.url)
        _, only_b.secret = make_endpoint(database, tenant, only_b.url, client="B")
        events = [str(make_event(database, tenant, client=c)) for c in ("A", "B", "A")]
        # when: the batch comes three times (at-least-once), once as separate messages
        for _ in range(2):
            hooks.deliver_event_webhooks(str(tenant.provider_id), events)
        for event in events:
            hooks.deliver_event_webhooks(str(tenant.provider_id), event)
        # then
        deliveries = deliveries_of(database, tenant)
        assert len(deliveries) == 4
        assert {d.status for d in deliveries} == {DeliveryStatus.DELIVERED}
        assert len(everything.message_ids) == 3
        assert len(only_b.message_ids) == 1
    assert actors == []


def test_a_batch_failing_midway_bills_the_others_once_and_leaves_the_bad_one_unmarked(
    database, actors
):
    # given: three shipped orders to bill, the middle one's event unreadable
    books = open_books(database)
    books.rate_card(None, utc(2026, 1, 1), pick_per_order="1.50")
    at = utc(2026, 3, 2)
    good = books.shipped("A", at, "o-1", units=1)
    bad = books.emit(
        Topic.ORDER_SHIPPED, "A", at, "order", client_id="not-a-client", order_id="o-2",
        units=1, lines=1, shipped_at=at.isoformat(),
    )  # fmt: skip
    also_good = books.shipped("A", at, "o-3", units=1)
    batch = [str(good), str(bad), str(also_good)]
    provider = str(books.tenant.provider_id)
    # when: the batch's transaction fails on the bad event, after billing the first
    with pytest.raises(ValueError):
        billing.accrue_charges(provider, batch)
    # then: the good ones billed and marked once, the bad one left for a retry or the sweep
    assert books.count(Charge) == 2
    ids = [good, bad, also_good]
    assert marked(database, books.tenant, ids, "accrue_charges") == {good, also_good}
    # when: the message comes again (a retry, or the broker redelivering it)
    with pytest.raises(ValueError):
        billing.accrue_charges(provider, batch)
    # then: nothing doubled
    assert books.count(Charge) == 2
    assert marked(database, books.tenant, ids, "accrue_charges") == {good, also_good}


def test_a_batch_of_billed_events_costs_what_one_does_at_the_card_in_force_for_each(
    database, actors
):
    # given: a default card, client A's own card from March, and orders of A and B shipped
    # in February and in March
    books = open_books(database)
    books.rate_card(None, utc(2026, 1, 1), pick_per_order="1.50")
    books.rate_card("A", utc(2026, 3, 1), pick_per_order="2.00")
    shipped = [("A", 2), ("B", 3), ("A", 2), ("A", 3), ("B", 2), ("B", 3)] * 2
    events = [
        str(books.shipped(client, utc(2026, month, 2), f"o-{n}", units=1))
        for n, (client, month) in enumerate(shipped[:11])
    ]
    provider = str(books.tenant.provider_id)
    # when
    with every_statement(database.engine) as one:
        billing.accrue_charges(provider, [events[0]])
    with every_statement(database.engine) as ten:
        billing.accrue_charges(provider, events[1:])
    # then: the marks, the events, the card versions, the open months, the charges (and the
    # tenant setting), however many events
    most = 6 if database.backend == "postgresql" else 5
    assert len(one) <= most, "\n".join(verbs(one))
    assert len(ten) == len(one), "\n".join(verbs(ten))
    # and each order at the version in force for its client when it shipped
    prices = {charge.source_id: charge.unit_price for charge in books.charges()}
    assert prices == {
        f"o-{n}": Decimal("2.00") if (client, month) == ("A", 3) else Decimal("1.50")
        for n, (client, month) in enumerate(shipped[:11])
    }
    # when the batch comes again
    with every_statement(database.engine) as again:
        billing.accrue_charges(provider, events)
    # then: only the marks are tried
    assert books.count(Charge) == 11
    assert len(again) <= 2, "\n".join(verbs(again))
