"""A broker that forgets: Redis restarted empty with work queued loses nothing, does nothing
twice, and replay changes nothing; a webhook backlog never delays a label.

Real processes: a redis-server of the test's own, `crossdock worker` and `crossdock
scheduler` on it, PostgreSQL, a local webhook receiver checking signatures.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal

import dramatiq
import dramatiq.broker
import pytest
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import func

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

from crossdock.broker import make_broker
from domain.billing.models import Charge
from domain.billing.rate_cards import NewRateCard, create_rate_card
from domain.orders.models import FulfillmentStatus
from domain.outbox.events import Topic
from domain.shipping.models import CarrierKind, Shipment
from domain.webhooks.models import DeliveryStatus
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories_orders import put_stock
from tests.factories_webhooks import deliveries_of, make_endpoint
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.serve_process import CROSSDOCK, ROOT, crossdock_env
from tests.shipping_factories import make_shipping_world
from tests.workers.redis_process import RedisProcess
from workers.actors import import_actors
from workers.relay import publish_pending

ORDERS = 15
WINDOW_S = 2
WAIT_S = 120.0
NAMESPACE = "crossdock-restart"
TOPICS = (Topic.ORDER_CREATED, Topic.FULFILLMENT_PACKED, Topic.SHIPMENT_CREATED,
          Topic.ORDER_SHIPPED)  # fmt: skip


@pytest.fixture
def own_redis(tmp_path, redis_url) -> Iterator[RedisProcess]:
    """A redis-server of this test alone (redis_url: Redis tests are configured)."""
    server = RedisProcess(tmp_path).start()
    yield server
    server.stop()


def start(args: list[str], redis: RedisProcess, database, log) -> subprocess.Popen:
    env = crossdock_env(
        CROSSDOCK_DATABASE_URL=database.url,
        CROSSDOCK_BROKER_URL=redis.url,
        CROSSDOCK_BROKER_NAMESPACE=NAMESPACE,
        CROSSDOCK_REDELIVERY_AFTER_SECONDS=str(WINDOW_S),
        CROSSDOCK_ALLOW_PRIVATE_URLS="true",
        CROSSDOCK_WORKER_METRICS_PORT="0",
    )
    return subprocess.Popen(
        [*CROSSDOCK, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def stop_all(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def wait_for(condition: Callable[[], bool], processes, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        for process in processes:
            assert process.poll() is None, f"a crossdock process exited early ({what})"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def count(database, tenant, model) -> int:
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        return uow.scalar(uow.select(model, func.count()))


def shipments_by_fulfillment(database, tenant) -> Counter:
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        return Counter(uow.scalars(uow.select(Shipment, Shipment.fulfillment_order_id)))


def bill_each_order(database, tenant) -> None:
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        create_rate_card(uow, NewRateCard(None, datetime(2020, 1, 1, tzinfo=UTC), "USD",
                                          {"pick_per_order": Decimal("1.50")}))  # fmt: skip
        uow.commit()


def test_redis_restarted_empty_with_work_queued_loses_nothing_and_replay_adds_nothing(
    postgres_database, own_redis, tmp_path
):
    database = postgres_database
    # given: packed orders of a client shipping by label, billed per order, with a webhook
    world = make_shipping_world(database)
    put_stock(database, world.tenant, "A", world.product_id, world.warehouse_id, 2 * ORDERS)
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    bill_each_order(database, world.tenant)
    with WebhookReceiver() as receiver:
        _, receiver.secret = make_endpoint(database, world.tenant, receiver.url, TOPICS)
        packed = [world.packed(f"SO-{n}") for n in range(ORDERS)]
        # and their events published to Redis, no worker running yet
        import_actors()
        broker = make_broker(own_redis.url, namespace=NAMESPACE)
        publish_pending(database.session_factory, broker, batch=1_000)
        broker.close()
        queued = own_redis.queued(NAMESPACE)
        # when: Redis restarts empty, and once the window has passed workers start
        own_redis.restart_empty()
        lost = own_redis.queued(NAMESPACE)
        time.sleep(WINDOW_S + 0.5)
        log = (tmp_path / "processes.log").open("w")
        processes = [start(["worker", "-p", "1", "-t", "4"], own_redis, database, log),
                     start(["scheduler"], own_redis, database, log)]  # fmt: skip
        try:

            def all_done() -> bool:
                shipped = len(shipments_by_fulfillment(database, world.tenant)) == ORDERS
                billed = count(database, world.tenant, Charge) == ORDERS
                sent = deliveries_of(database, world.tenant)
                delivered = bool(sent) and all(d.status is DeliveryStatus.DELIVERED for d in sent)
                return shipped and billed and delivered and len(sent) == 4 * ORDERS

            wait_for(all_done, processes, "every order shipped, billed and announced")
            shipments = shipments_by_fulfillment(database, world.tenant)
            received = Counter(receiver.message_ids)
            delivered_ids = {d.message_id for d in deliveries_of(database, world.tenant)}
            # and an operator replays the last hour, twice
            replays = [replay(own_redis, database, "1h") for _ in range(2)]
            time.sleep(0.5)
            wait_for(lambda: own_redis.queued(NAMESPACE) == 0, processes, "the replays")
            time.sleep(1.0)  # a duplicate effect would land right behind
            after_shipments = shipments_by_fulfillment(database, world.tenant)
            after_charges = count(database, world.tenant, Charge)
            after_received = Counter(receiver.message_ids)
        finally:
            stop_all(processes)
            log.close()
    # then: the broker held the work, and lost all of it
    assert queued > ORDERS  # a dispatch per order, and the batched consumers' messages
    assert lost == 0
    # every order dispatched exactly once, every charge once, every webhook once per id
    assert set(shipments) == set(packed)
    assert set(shipments.values()) == {1}
    assert [world.state(fo)[0] for fo in packed] == [FulfillmentStatus.SHIPPED] * ORDERS
    assert set(received) == delivered_ids
    assert set(received.values()) == {1}
    assert receiver.rejected == []
    # replay sent every event again, and nothing more was done
    assert all(sent > 0 for sent in replays)
    assert after_shipments == shipments
    assert after_charges == ORDERS
    assert after_received == received


def replay(redis: RedisProcess, database, since: str) -> int:
    """`crossdock outbox replay --since <since> --json`: how many messages it sent."""
    env = crossdock_env(
        CROSSDOCK_DATABASE_URL=database.url,
        CROSSDOCK_BROKER_URL=redis.url,
        CROSSDOCK_BROKER_NAMESPACE=NAMESPACE,
    )
    done = subprocess.run(
        [*CROSSDOCK, "outbox", "replay", "--since", since, "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return int(json.loads(done.stdout)["sent"])


def test_a_webhook_backlog_to_a_slow_receiver_does_not_delay_a_label(
    postgres_database, own_redis, tmp_path
):
    database = postgres_database
    # given: a receiver taking a second per message, twenty orders announced to it
    world = make_shipping_world(database)
    put_stock(database, world.tenant, "A", world.product_id, world.warehouse_id, 40)
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    backlog = 20
    with WebhookReceiver(delay=1.0) as receiver:
        _, receiver.secret = make_endpoint(
            database, world.tenant, receiver.url, (Topic.ORDER_CREATED,)
        )
        for n in range(backlog):
            world.order(f"BACKLOG-{n}")
        # and webhooks and labels each with processes of their own
        log = (tmp_path / "processes.log").open("w")
        processes = [
            start(["worker", "--queues", "webhooks", "-t", "1"], own_redis, database, log),
            start(["worker", "--queues", "dispatch,billing,tracking,channels,default", "-t", "2"],
                  own_redis, database, log),
        ]  # fmt: skip
        try:
            wait_for(lambda: len(receiver.received) >= 1, processes, "the backlog to start")
            # when: an order is packed while the backlog drains
            fo_id = world.packed("LABEL-1")
            wait_for(
                lambda: fo_id in shipments_by_fulfillment(database, world.tenant),
                processes,
                "the label",
            )
            announced_by_then = len(receiver.received)
        finally:
            stop_all(processes)
            log.close()
    # then: the label was bought while most of the backlog still waited
    assert announced_by_then < backlog / 2
    assert world.state(fo_id)[0] is FulfillmentStatus.SHIPPED


def test_an_unknown_queue_is_refused_at_start(postgres_database, own_redis, tmp_path):
    with (tmp_path / "worker.log").open("w") as log:
        process = start(["worker", "--queues", "labels"], own_redis, postgres_database, log)
        code = process.wait(60)
    assert code == 2
    assert "no such queue: labels" in (tmp_path / "worker.log").read_text()
