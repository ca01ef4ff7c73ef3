"""The outbox relay: every pending event reaches each of its consumers, once per run."""

from __future__ import annotations

import threading

import dramatiq
import pytest

from crossdock.background import RelayThread
from crossdock.broker import make_broker
from domain.outbox.events import Topic
from tests.factories import make_tenant
from tests.outbox_factories import pending_ids, record_events
from tests.workers.stub_queues import drain
from workers.relay import RelayMisconfigured, message_id, publish_pending, run_relay
from workers.routing import Route

BILLING = Route("accrue_charges", None, "billing")
CARRIERS = Route("dispatch_fulfillment", frozenset({Topic.FULFILLMENT_PACKED.value}), "carriers")
ROUTES = [BILLING, CARRIERS]


def test_pending_events_are_published_once_and_marked(database):
    # given
    tenant = make_tenant(database)
    recorded = record_events(database, tenant, 3)
    broker = make_broker(None)
    # when
    first = publish_pending(database.session_factory, broker, routes=ROUTES)
    second = publish_pending(database.session_factory, broker, routes=ROUTES)
    # then
    messages = drain(broker, "billing")
    assert (first, second) == (3, 0)
    # ids order events to the millisecond; within one, their order is arbitrary
    assert [m.args for m in messages] == [
        (str(tenant.provider_id), str(e)) for e in sorted(recorded)
    ]
    assert {m.actor_name for m in messages} == {"accrue_charges"}
    assert pending_ids(database) == set()


def test_each_event_goes_to_every_consumer_of_its_topic(database):
    # given
    tenant = make_tenant(database)
    [created] = record_events(database, tenant, 1, Topic.ORDER_CREATED)
    [packed] = record_events(database, tenant, 1, Topic.FULFILLMENT_PACKED)
    broker = make_broker(None)
    # when
    publish_pending(database.session_factory, broker, routes=ROUTES)
    # then
    billed = [m.args[1] for m in drain(broker, "billing")]
    dispatched = [m.args[1] for m in drain(broker, "carriers")]
    assert sorted(billed) == sorted([str(created), str(packed)])
    assert dispatched == [str(packed)]


def test_an_event_nobody_consumes_is_just_marked_published(database):
    # given
    tenant = make_tenant(database)
    record_events(database, tenant, 2, Topic.STOCK_CHANGED)
    broker = make_broker(None)
    # when
    published = publish_pending(database.session_factory, broker, routes=[CARRIERS])
    # then
    assert published == 2
    assert drain(broker, "carriers") == []
    assert pending_ids(database) == set()


def test_message_ids_are_deterministic_per_event_and_actor(database):
    # given
    tenant = make_tenant(database)
    [event] = record_events(database, tenant, 1, Topic.FULFILLMENT_PACKED)
    broker = make_broker(None)
    # when
    publish_pending(database.session_factory, broker, routes=ROUTES)
    [billing] = drain(broker, "billing")
    [carriers] = drain(broker, "carriers")
    # then
    assert billing.message_id == message_id(event, "accrue_charges")
    assert carriers.message_id == message_id(event, "dispatch_fulfillment")
    assert message_id(event, "accrue_charges") == message_id(event, "accrue_charges")
    assert billing.message_id != carriers.message_id


class FailingAfter(dramatiq.Broker):
    """A broker that accepts `n` messages, then fails like a broker going down."""

    def __init__(self, inner: dramatiq.Broker, n: int):
        self.inner, self.left = inner, n

    def get_declared_queues(self) -> set[str]:
        return self.inner.get_declared_queues()

    def declare_queue(self, queue_name: str) -> None:
        self.inner.declare_queue(queue_name)

    def enqueue(self, message: dramatiq.Message, *, delay: int | None = None) -> dramatiq.Message:
        if self.left == 0:
            raise ConnectionError("broker went away")
        self.left -= 1
        return self.inner.enqueue(message)


def test_a_send_failing_mid_batch_marks_nothing_and_the_retry_reuses_message_ids(database):
    # given
    tenant = make_tenant(database)
    recorded = record_events(database, tenant, 4)
    broker = make_broker(None)
    # when
    with pytest.raises(ConnectionError):
        publish_pending(database.session_factory, FailingAfter(broker, 2), routes=ROUTES)
    still_pending = pending_ids(database)
    retried = publish_pending(database.session_factory, broker, routes=ROUTES)
    # then: the two sent before the failure go twice, under the same ids
    ids = [m.message_id for m in drain(broker, "billing")]
    assert still_pending == set(recorded)
    assert retried == 4
    assert len(ids) == 6
    assert set(ids) == {message_id(event, "accrue_charges") for event in recorded}


def test_the_relay_loop_publishes_until_stopped(database):
    # given
    tenant = make_tenant(database)
    broker = make_broker(None)
    stop = threading.Event()
    relay = threading.Thread(
        target=run_relay,
        args=(stop, database.session_factory, broker),
        kwargs={"interval": 0.02, "routes": ROUTES},
    )
    relay.start()
    # when
    try:
        recorded = record_events(database, tenant, 5)
        for _ in range(250):
            if not pending_ids(database):
                break
            stop.wait(0.02)
    finally:
        stop.set()
        relay.join(5)
    # then
    assert not relay.is_alive()
    assert pending_ids(database) == set()
    assert [m.args[1] for m in drain(broker, "billing")] == [str(e) for e in sorted(recorded)]


def test_a_relay_without_routes_or_with_an_undeclared_actor_refuses_to_start(database):
    # given: a broker on which no actor module was imported
    broker = make_broker(None)
    # when / then: it would otherwise mark every event published and send nothing
    with pytest.raises(RelayMisconfigured, match="no consumer routes"):
        RelayThread(database.session_factory, broker, 0.1, routes=[])
    with pytest.raises(RelayMisconfigured, match="accrue_charges"):
        RelayThread(database.session_factory, broker, 0.1, routes=ROUTES)
    dramatiq.actor(lambda provider_id, event_id: None, actor_name="accrue_charges", broker=broker)
    dramatiq.actor(
        lambda provider_id, event_id: None, actor_name="dispatch_fulfillment", broker=broker
    )
    assert RelayThread(database.session_factory, broker, 0.1, routes=ROUTES).thread is not None
