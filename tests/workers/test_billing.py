"""Billing actors: routed from the outbox, idempotent, and fanned out by the scheduler."""

from __future__ import annotations

import threading
from datetime import timedelta

import dramatiq
import dramatiq.broker
from dramatiq.brokers.stub import StubBroker

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

from domain.billing.models import Charge
from domain.outbox.events import Topic
from tests.billing_factories import open_books, utc
from tests.factories import make_tenant
from workers import billing, runtime
from workers.routing import routes_for
from workers.scheduler import Job, run_scheduler


def test_the_billing_consumer_is_routed_the_billable_topics():
    for topic in (Topic.INBOUND_RECEIVED, Topic.ORDER_SHIPPED, Topic.SHIPMENT_CREATED):
        assert "accrue_charges" in routes_for(topic.value)
    assert "accrue_charges" not in routes_for(Topic.ORDER_CREATED.value)


def test_a_redelivered_event_bills_once(database, monkeypatch):
    # given
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    books = open_books(database)
    books.rate_card(None, utc(2026, 1, 1), pick_per_order="1.50")
    event_id = books.shipped("A", utc(2026, 3, 2), "o-1", units=1)
    # when
    for _ in range(3):
        billing.accrue_charges(str(books.tenant.provider_id), str(event_id))
    # then
    assert books.count(Charge) == 1


def test_the_fan_out_reaches_every_provider(database, monkeypatch):
    # given
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    first, second = make_tenant(database, "One"), make_tenant(database, "Two")
    sent: list[str] = []
    monkeypatch.setattr(billing.take_storage, "send", lambda pid: sent.append(pid))
    monkeypatch.setattr(billing.close_billing_period, "send", lambda pid: sent.append(pid))
    # when
    billing.schedule_billing()
    # then
    assert {str(first.provider_id), str(second.provider_id)} <= set(sent)


def test_the_scheduler_enqueues_each_job_once_per_slot():
    # given: a clock that moves 20 minutes per tick, stopped after 10 ticks
    broker = StubBroker()
    broker.declare_queue("default")
    now = [utc(2026, 3, 1, 0, 5)]

    class TenTicks(threading.Event):
        ticks = 0

        def wait(self, timeout=None):
            self.ticks += 1
            now[0] += timedelta(minutes=20)
            if self.ticks == 10:
                self.set()
            return self.is_set()

    # when
    run_scheduler(
        TenTicks(), broker, lambda: now[0], (Job("schedule_billing", timedelta(hours=1)),)
    )
    # then: 00:05 .. 03:05 spans the slots of hours 0, 1, 2 and 3
    messages = list(broker.queues["default"].queue)
    assert len(messages) == 4
