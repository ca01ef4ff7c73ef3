"""A broker outage loses nothing: events wait in the outbox and go out exactly once after it."""

from __future__ import annotations

import logging
import threading
import time

import dramatiq
import pytest

from crossdock.broker import make_broker
from tests.factories import make_tenant
from tests.outbox_factories import pending_ids, record_events
from workers.relay import publish_pending, run_relay
from workers.routing import Route

UNREACHABLE = "redis://127.0.0.1:1/0"
QUEUE = "outage"


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_events_recorded_during_an_outage_are_published_exactly_once_after_it(
    database, redis_url, redis_namespace, caplog
):
    # given: the broker is unreachable while 100 events are recorded
    tenant = make_tenant(database)
    down = make_broker(UNREACHABLE, namespace=redis_namespace)
    stop = threading.Event()
    routes = [Route("count_event", None, QUEUE)]
    relay = threading.Thread(
        target=run_relay,
        args=(stop, database.session_factory, down),
        kwargs={"interval": 0.01, "max_backoff": 0.05, "routes": routes},
    )
    with caplog.at_level(logging.WARNING, logger="crossdock.relay"):
        relay.start()
        recorded = set(record_events(database, tenant, 100))
        wait_until(lambda: len(caplog.records) >= 3, timeout=5)
        stop.set()
        relay.join(5)
    pending_after_outage = pending_ids(database)
    # when: the real broker is back
    up = make_broker(redis_url, namespace=redis_namespace)
    received: list[str] = []

    def count_event(provider_id: str, event_id: str) -> None:
        received.append(event_id)

    dramatiq.actor(count_event, broker=up, queue_name=QUEUE, max_retries=0)
    published = publish_pending(database.session_factory, up, batch=500, routes=routes)
    again = publish_pending(database.session_factory, up, batch=500, routes=routes)
    worker = dramatiq.Worker(up, worker_threads=4, worker_timeout=50)
    worker.start()
    try:
        wait_until(lambda: len(received) >= 100)
        time.sleep(0.2)  # a duplicate would arrive right behind
    finally:
        worker.stop()
        up.close()
    # then
    assert not relay.is_alive()
    assert len(caplog.records) >= 3
    assert "outbox relay failed" in caplog.records[0].getMessage()
    assert pending_after_outage == recorded
    assert (published, again) == (100, 0)
    assert len(received) == 100
    assert {str(event) for event in recorded} == set(received)
    assert pending_ids(database) == set()


def test_a_broker_url_of_another_kind_is_refused():
    with pytest.raises(ValueError, match="unsupported broker URL"):
        make_broker("kafka://127.0.0.1:9092")
