"""The webhook actors: an event reaches each endpoint once, retries on schedule, stays in its tenant."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from domain.outbox.events import Topic
from domain.webhooks.models import DeliveryStatus
from persistence.base import utcnow
from tests.factories import make_tenant
from tests.factories_webhooks import attempts_of, deliveries_of, make_endpoint, make_event
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.sql_statements import every_statement, verbs
from workers import runtime
from workers import webhooks as actors


class Clock:
    """The actors' clock, moved by hand."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def worker(database, monkeypatch) -> list[tuple]:
    """Actors run against the test database; scheduled messages are collected, not sent."""
    scheduled: list[tuple] = []
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    monkeypatch.setattr(actors, "clock", Clock())
    monkeypatch.setattr(
        actors, "schedule", lambda actor, *args, delay_ms: scheduled.append((actor, args, delay_ms))
    )
    return scheduled


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver() as running:
        yield running


def run_scheduled(scheduled: list[tuple]) -> None:
    """Move the clock to each scheduled message's time and run it, as the broker would."""
    while scheduled:
        actor, args, delay_ms = scheduled.pop(0)
        actors.clock.now += timedelta(milliseconds=delay_ms)
        actor(*args)


def test_the_actor_is_registered_for_every_topic():
    from workers.routing import routes_for

    for topic in Topic:
        assert "deliver_event_webhooks" in routes_for(topic.value)


def test_an_event_processed_twice_reaches_each_endpoint_once(database, worker, receiver):
    # given
    tenant = make_tenant(database)
    _, receiver.secret = make_endpoint(database, tenant, receiver.url)
    other = WebhookReceiver().start()
    _, other.secret = make_endpoint(database, tenant, other.url, client="A")
    event_id = str(make_event(database, tenant, client="A"))
    # when: the relay publishes the event twice (at-least-once)
    actors.deliver_event_webhooks(str(tenant.provider_id), event_id)
    actors.deliver_event_webhooks(str(tenant.provider_id), event_id)
    other.stop()
    # then
    deliveries = deliveries_of(database, tenant)
    assert len(deliveries) == 2
    assert {d.status for d in deliveries} == {DeliveryStatus.DELIVERED}
    assert len(receiver.message_ids) == 1
    assert len(other.message_ids) == 1
    assert {*receiver.message_ids, *other.message_ids} == {d.message_id for d in deliveries}
    assert worker == []


def test_receiver_down_then_up_is_retried_on_schedule(database, worker, receiver):
    # given: the receiver is down when the event comes
    tenant = make_tenant(database)
    _, receiver.secret = make_endpoint(database, tenant, receiver.url)
    receiver.stop()
    actors.deliver_event_webhooks(str(tenant.provider_id), str(make_event(database, tenant)))
    [pending] = deliveries_of(database, tenant)
    assert pending.status is DeliveryStatus.PENDING
    [(actor, args, delay_ms)] = worker
    assert actor is actors.deliver_webhook
    assert args == (str(tenant.provider_id), str(pending.id))
    assert 24_000 <= delay_ms <= 30_000
    # when: it is back before the retry comes due
    receiver.start()
    run_scheduled(worker)
    # then
    [done] = deliveries_of(database, tenant)
    assert done.status is DeliveryStatus.DELIVERED
    assert receiver.message_ids == [done.message_id]
    assert [a.status_code for a in attempts_of(database, tenant, done.id)] == [None, 200]


def test_a_retry_that_arrives_early_sends_nothing_and_waits_again(database, worker, receiver):
    # given: a failed first attempt, its retry due in about 30 s
    tenant = make_tenant(database)
    _, receiver.secret = make_endpoint(database, tenant, receiver.url)
    receiver.answer = 500
    actors.deliver_event_webhooks(str(tenant.provider_id), str(make_event(database, tenant)))
    [(_, args, delay_ms)] = worker
    receiver.answer = 200
    # when: the wake-up comes 10 s early
    worker.clear()
    actors.clock.now += timedelta(milliseconds=delay_ms - 10_000)
    actors.deliver_webhook(*args)
    # then: nothing is sent, and it sleeps for the rest
    assert receiver.message_ids == []
    assert [(a, d) for a, _, d in worker] == [(actors.deliver_webhook, 10_000)]
    run_scheduled(worker)
    assert len(receiver.message_ids) == 1


def test_a_client_endpoint_never_gets_another_clients_events(database, worker, receiver):
    tenant = make_tenant(database)
    _, receiver.secret = make_endpoint(database, tenant, receiver.url, client="B")
    actors.deliver_event_webhooks(
        str(tenant.provider_id), str(make_event(database, tenant, client="A"))
    )
    actors.deliver_event_webhooks(
        str(tenant.provider_id), str(make_event(database, tenant, client=None))
    )
    assert receiver.received == []
    assert deliveries_of(database, tenant) == []


def test_sweep_sends_a_redelivery(database, worker, receiver):
    # given: a delivered message, redelivered
    from domain.webhooks.delivery import redeliver
    from tenants.unit_of_work import TenantUnitOfWork

    tenant = make_tenant(database)
    _, receiver.secret = make_endpoint(database, tenant, receiver.url)
    actors.deliver_event_webhooks(str(tenant.provider_id), str(make_event(database, tenant)))
    [sent] = deliveries_of(database, tenant)
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        redeliver(uow, sent.id, actors.clock())
        uow.commit()
    # when
    actors.retry_due_webhooks(str(tenant.provider_id))
    actors.retry_due_webhooks(str(tenant.provider_id))
    # then
    assert receiver.message_ids == [sent.message_id, sent.message_id]


def test_an_unknown_event_is_ignored(database, worker):
    tenant = make_tenant(database)
    actors.deliver_event_webhooks(str(tenant.provider_id), "01234567-89ab-7def-8123-456789abcdef")
    assert deliveries_of(database, tenant) == []


def test_an_event_no_endpoint_wants_costs_one_short_transaction(database, worker, receiver):
    # given: an endpoint of client A only, and an event of client B
    tenant = make_tenant(database)
    _, receiver.secret = make_endpoint(database, tenant, receiver.url, client="A")
    event_id = str(make_event(database, tenant, client="B"))
    # when
    with every_statement(database.engine) as statements:
        actors.deliver_event_webhooks(str(tenant.provider_id), event_id)
    # then: the event, the mark, the endpoints (and the tenant setting); nothing to send
    assert deliveries_of(database, tenant) == []
    assert receiver.message_ids == []
    most = 4 if database.backend == "postgresql" else 3
    assert len(statements) <= most, "\n".join(verbs(statements))
