"""A broker outage loses nothing: events wait in the outbox and go out exactly once after it."""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter

import dramatiq
import pytest

from crossdock.broker import make_broker
from tests.api.order_documents import CREATE
from tests.factories_orders import make_order_world, order_input, put_stock
from tests.outbox_factories import pending_ids
from workers.relay import publish_pending, run_relay
from workers.routing import Route

UNREACHABLE = "redis://127.0.0.1:1/0"
QUEUE = "outage"
ORDERS = 100


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_orders_created_during_an_outage_are_published_exactly_once_after_it(
    database, gql, redis_url, redis_namespace, caplog
):
    # given: a client with stock for every order, and a relay whose broker is unreachable
    world = make_order_world(database)
    put_stock(database, world.tenant, "A", world.products["SKU-1"], world.warehouses["WH-A"], 90)
    received: list[str] = []

    def count_event(provider_id: str, event_id: str) -> None:
        received.append(event_id)

    down = make_broker(UNREACHABLE, namespace=redis_namespace)
    up = make_broker(redis_url, namespace=redis_namespace)
    for broker in (down, up):
        dramatiq.actor(count_event, broker=broker, queue_name=QUEUE, max_retries=0)
    routes = [Route("count_event", None, QUEUE)]
    before = pending_ids(database)  # the world's own stock events
    stop = threading.Event()
    relay = threading.Thread(
        target=run_relay,
        args=(stop, database.session_factory, down),
        kwargs={"interval": 0.01, "max_backoff": 0.05, "routes": routes},
    )
    # when: 100 orders are created through the API during the outage
    with caplog.at_level(logging.WARNING, logger="crossdock.relay"):
        relay.start()
        try:
            key = world.tenant.clients["A"].key
            answers = [
                gql(CREATE, {"input": order_input(f"OUT-{n}", (("SKU-1", 1),))}, key=key)
                for n in range(ORDERS)
            ]
            wait_until(lambda: len(caplog.records) >= 3, timeout=5)
        finally:
            stop.set()
            relay.join(5)
    failures = [r for r in caplog.records if "outbox relay failed" in r.getMessage()]
    waiting = pending_ids(database) - before
    # and the broker is back
    published = publish_pending(database.session_factory, up, batch=1_000, routes=routes)
    again = publish_pending(database.session_factory, up, batch=1_000, routes=routes)
    worker = dramatiq.Worker(up, worker_threads=4, worker_timeout=50)
    worker.start()
    try:
        wait_until(lambda: len(received) >= len(before) + len(waiting))
        time.sleep(0.3)  # a duplicate would arrive right behind
    finally:
        worker.stop()
        up.close()
        down.close()
    # then: every API call succeeded while nothing could be published
    assert not relay.is_alive()
    assert [a.get("errors") for a in answers] == [None] * ORDERS
    created = [a["data"]["createOrder"] for a in answers]
    assert [(c["created"], c["userErrors"]) for c in created] == [(True, [])] * ORDERS
    assert {c["order"]["status"] for c in created} == {"ALLOCATED"}
    assert len(failures) >= 3
    # every event the orders made (created, allocated, stock changed) waited in the outbox
    assert len(waiting) >= 2 * ORDERS
    # and went out exactly once when the broker returned
    assert (published, again) == (len(before) + len(waiting), 0)
    counts = Counter(received)
    assert set(counts) == {str(event) for event in before | waiting}
    assert set(counts.values()) == {1}
    assert pending_ids(database) == set()


def test_a_broker_url_of_another_kind_is_refused():
    with pytest.raises(ValueError, match="unsupported broker URL"):
        make_broker("kafka://127.0.0.1:9092")
