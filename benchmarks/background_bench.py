"""Background work on Redis: labels dispatched per second, outbox events relayed per second.

    .venv/bin/python -m benchmarks.background_bench --labels 500 --processes 1,2 --events 5000

Labels: per round, L orders of one client (one line each, 100 SKUs, a US warehouse, a
rate-table carrier account) are created and allocated, then picked and packed through the
domain services, so the outbox holds exactly what packing records (`fulfillment_order.packed`
and the order's status change; the creation events are marked published as a relay that
keeps up would have). `python -m dramatiq crossdock.worker_main:setup -p N -t 4` starts on
a fresh Redis namespace with the application role; once every process has polled Redis,
the relay starts in this process (interval 0.5 s, batch 100, as `crossdock worker` runs
it) and the clock runs until all L fulfillment orders have a shipment (polled every 0.2 s).
Baselines in the same run: the plain broker enqueuing L messages of the relay's shape from
one producer, and N processes of a do-nothing actor draining L such messages.

Relay: E `fulfillment_order.packed` events are inserted as the owner, then `publish_pending`
runs in a loop until the outbox is drained (batch 100, then 500, the events reset between);
each event goes to its consumer actors (dispatch and webhooks: two messages). Baseline: the
same messages enqueued straight to the broker.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import dramatiq
import redis
from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.load import table
from benchmarks.seed import BenchDatabase, create_database
from crossdock.broker import install_broker, make_broker
from crossdock.database import make_engine, make_session_factory
from domain.addresses import Address
from domain.catalog.service import create_product, create_warehouse
from domain.inventory import ledger
from domain.inventory.models import MovementKind
from domain.orders.commands import CreateOrder, LineRequest
from domain.orders.creation import create_order
from domain.orders.fulfillment import mark_packed, start_picking
from domain.orders.models import FulfillmentOrder, FulfillmentStatus
from domain.outbox.events import Topic
from domain.outbox.models import OutboxEvent
from domain.shipping.accounts import AccountChanges, create_carrier_account
from domain.shipping.carriers.base import LabelFormat
from domain.shipping.models import CarrierKind, Shipment
from domain.shipping.rating import RatingRule
from domain.shipping.settings import SettingsChanges, set_shipping_settings
from persistence.base import new_id, utcnow
from persistence.unit_of_work import UnitOfWork
from tenants import service
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork
from workers.relay import event_message, publish_pending
from workers.routing import ROUTES, matching_routes

ROOT = Path(__file__).resolve().parent.parent
THREADS = 4
PRODUCTS = 100
ORDERS_PER_TRANSACTION = 250
EVENTS_PER_INSERT = 5_000
RELAY_INTERVAL_S = 0.5
POLL_S = 0.2
READY_TIMEOUT_S = 60.0
STALL_TIMEOUT_S = 30.0
QUEUE = "default"
NOOP_ACTOR = "bench_noop"
"""The actor of benchmarks/noop_actor.py (not imported here: importing it sets the broker)."""
CUSTOMER = Address(
    name="Ada Lovelace", line1="12 Analytical Way", city="Austin", region="TX",
    postal_code="78745", country="US",
)  # fmt: skip
WAREHOUSE = {
    "code": "AUS1", "name": "Austin DC", "address_line1": "100 Dock Road", "city": "Austin",
    "region": "TX", "postal_code": "78701", "country": "US", "timezone": "America/Chicago",
}  # fmt: skip


@dataclass
class World:
    """One provider's client that ships with the rate-table carrier from one US warehouse."""

    provider_id: uuid.UUID
    client_id: uuid.UUID
    skus: list[str]
    orders_made: int = 0

    @property
    def scope(self) -> TenantScope:
        return TenantScope.operator(self.provider_id)


@dataclass(frozen=True)
class Rate:
    """One measured row: how many things in how many seconds."""

    name: str
    processes: str
    count: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.count / self.seconds


def run(
    server_url: str,
    redis_url: str,
    labels: int = 1_000,
    processes: tuple[int, ...] = (1, 2),
    events: int = 10_000,
    keep: bool = False,
) -> str:
    """Both benchmarks on a fresh database; their tables."""
    database = create_database(server_url, name=f"crossdock_background_{uuid.uuid4().hex[:6]}")
    owner = make_engine(database.admin_url)
    app = make_engine(database.app_url, pool_size=2)
    try:
        owner_factory = make_session_factory(owner)
        app_factory = make_session_factory(app)
        world = make_world(owner_factory)
        out = []
        if labels and processes:
            out.append(labels_table(database, redis_url, world, app_factory, labels, processes))
        if events:
            out.append(relay_table(database, redis_url, world, app_factory, events))
        return "\n\n".join(out)
    finally:
        owner.dispose()
        app.dispose()
        if not keep:
            database.drop()


# --- labels -------------------------------------------------------------------------------


def labels_table(
    database: BenchDatabase,
    redis_url: str,
    world: World,
    app_factory: sessionmaker[Session],
    labels: int,
    processes: tuple[int, ...],
) -> str:
    """Labels/s for each process count, beside the broker's enqueue and a trivial actor."""
    owner_factory = make_session_factory(make_engine(database.admin_url))
    baseline = enqueue_rate(redis_url, labels)
    rows: list[Rate] = []
    notes = []
    for count in processes:
        seeded = time.perf_counter()
        fo_ids = pack_orders(owner_factory, world, labels)
        notes.append(f"{labels} packed in {time.perf_counter() - seeded:.0f} s")
        rows.append(dispatch_rate(database, redis_url, app_factory, world, fo_ids, count))
        rows.append(noop_rate(redis_url, labels, count))
    rows.append(baseline)
    owner_factory.kw["bind"].dispose()
    title = (
        f"Labels dispatched on Redis: {labels} packed orders per round, rate-table carrier, "
        f"{THREADS} threads per process ({'; '.join(notes)})"
    )
    return _table(title, rows, baseline, "per second")


def make_world(owner_factory: sessionmaker[Session]) -> World:
    """Provider, client, rate-table account and settings, warehouse, products in stock."""
    with UnitOfWork(owner_factory) as uow:
        provider, _ = service.create_provider(uow, "Bench Dispatch")
        uow.commit()
    with TenantUnitOfWork.operator(owner_factory, provider.id) as uow:
        client = service.create_client(uow, "C001", "Client 1")
        create_carrier_account(
            uow, client.id, CarrierKind.RATE_TABLE, AccountChanges(name="Crossdock Post")
        )
        set_shipping_settings(
            uow,
            client.id,
            SettingsChanges(rule=RatingRule.CHEAPEST, currency="USD", label_format=LabelFormat.ZPL),
        )
        warehouse = create_warehouse(uow, WAREHOUSE)
        skus = []
        for number in range(PRODUCTS):
            sku = f"SKU-{number:03d}"
            product = create_product(
                uow,
                client.id,
                {"sku": sku, "name": f"Product {number}", "weight_grams": 500,
                 "length_mm": 200, "width_mm": 150, "height_mm": 100},
            )  # fmt: skip
            level = ledger.ensure_level(uow, client.id, product.id, warehouse.id)
            ledger.post(uow, level, MovementKind.RECEIPT, on_hand=1_000_000)
            skus.append(sku)
        uow.commit()
    return World(provider.id, client.id, skus)


def pack_orders(owner_factory: sessionmaker[Session], world: World, count: int) -> list[uuid.UUID]:
    """`count` orders created and allocated, then picked and packed; their fulfillment orders.

    Between the two, the creation events are marked published (a relay that keeps up), so
    the pending outbox is what picking and packing recorded.
    """
    first = world.orders_made
    world.orders_made += count
    order_ids = []
    for start in range(first, first + count, ORDERS_PER_TRANSACTION):
        with TenantUnitOfWork.operator(owner_factory, world.provider_id) as uow:
            for number in range(start, min(start + ORDERS_PER_TRANSACTION, first + count)):
                command = CreateOrder(
                    external_reference=f"BG-{number:07d}",
                    ship_to=CUSTOMER,
                    lines=(LineRequest(world.skus[number % len(world.skus)], 2),),
                    client_id=world.client_id,
                )
                order_ids.append(create_order(uow, command).order.id)
            uow.commit()
    mark_all_published(owner_factory)
    with TenantUnitOfWork.operator(owner_factory, world.provider_id) as uow:
        fo_ids = list(
            uow.session.scalars(
                select(FulfillmentOrder.id)
                .where(
                    FulfillmentOrder.order_id.in_(order_ids),
                    FulfillmentOrder.status == FulfillmentStatus.ALLOCATED,
                )
                .order_by(FulfillmentOrder.id)
            )
        )
    if len(fo_ids) != count:
        raise RuntimeError(f"expected {count} allocated fulfillment orders, got {len(fo_ids)}")
    for start in range(0, count, ORDERS_PER_TRANSACTION):
        with TenantUnitOfWork.operator(owner_factory, world.provider_id) as uow:
            for fo_id in fo_ids[start : start + ORDERS_PER_TRANSACTION]:
                start_picking(uow, fo_id)
                mark_packed(uow, fo_id)
            uow.commit()
    with owner_factory() as session:
        pending = session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(
                OutboxEvent.published_at.is_(None), OutboxEvent.topic == Topic.FULFILLMENT_PACKED
            )
        )
        session.execute(text("ANALYZE"))
        session.commit()
    if pending != count:
        raise RuntimeError(f"expected {count} pending packed events, got {pending}")
    return fo_ids


def dispatch_rate(
    database: BenchDatabase,
    redis_url: str,
    app_factory: sessionmaker[Session],
    world: World,
    fo_ids: list[uuid.UUID],
    processes: int,
) -> Rate:
    """Seconds from starting the relay until every fulfillment order has a shipment."""
    namespace = _namespace()
    owner = make_engine(database.admin_url, pool_size=1)
    broker = make_broker(redis_url, namespace=namespace)
    install_broker(broker)
    command = ["crossdock.worker_main:setup"]
    env = database.env()
    stop = threading.Event()
    relay = threading.Thread(
        target=_relay_loop, args=(stop, app_factory, broker), name="bench-relay", daemon=True
    )
    try:
        with workers(command, processes, redis_url, namespace, env) as check:
            started = time.perf_counter()
            relay.start()

            def shipped() -> int:
                with owner.connect() as connection:
                    return connection.scalar(
                        select(func.count())
                        .select_from(Shipment)
                        .where(Shipment.fulfillment_order_id.in_(fo_ids))
                    )

            _wait(shipped, len(fo_ids), check, f"{len(fo_ids)} shipments")
            seconds = time.perf_counter() - started
        with owner.connect() as connection:
            failed = connection.scalar(
                select(func.count())
                .select_from(FulfillmentOrder)
                .where(
                    FulfillmentOrder.id.in_(fo_ids),
                    FulfillmentOrder.status != FulfillmentStatus.SHIPPED,
                )
            )
        if failed:
            raise RuntimeError(f"{failed} fulfillment orders did not ship")
    finally:
        stop.set()
        if relay.is_alive():
            relay.join(15)
        broker.close()
        owner.dispose()
        _flush(redis_url, namespace)
    return Rate(
        f"dispatch: relay + workers, {THREADS} threads each", str(processes), len(fo_ids), seconds
    )


def noop_rate(redis_url: str, messages: int, processes: int) -> Rate:
    """Seconds for N processes of a do-nothing actor to drain `messages` enqueued at once."""
    namespace = _namespace()
    broker = make_broker(redis_url, namespace=namespace)
    broker.declare_queue(QUEUE)
    client = redis.Redis.from_url(redis_url)
    try:
        with workers(["benchmarks.noop_actor"], processes, redis_url, namespace, {}) as check:
            started = time.perf_counter()
            for _ in range(messages):
                broker.enqueue(_message(NOOP_ACTOR, uuid.uuid4(), new_id()))

            def acknowledged() -> int:
                return messages - client.hlen(f"{namespace}:{QUEUE}.msgs")

            _wait(acknowledged, messages, check, f"{messages} trivial messages")
            seconds = time.perf_counter() - started
    finally:
        broker.close()
        client.close()
        _flush(redis_url, namespace)
    return Rate(
        f"trivial actor: enqueue + consume, {THREADS} threads each",
        str(processes),
        messages,
        seconds,
    )


def enqueue_rate(redis_url: str, messages: int) -> Rate:
    """The plain broker: `messages` of the relay's shape enqueued by one producer."""
    namespace = _namespace()
    broker = make_broker(redis_url, namespace=namespace)
    broker.declare_queue(QUEUE)
    try:
        provider = uuid.uuid4()
        started = time.perf_counter()
        for _ in range(messages):
            broker.enqueue(_message("dispatch_fulfillment", provider, new_id()))
        seconds = time.perf_counter() - started
    finally:
        broker.close()
        _flush(redis_url, namespace)
    return Rate("broker enqueue only, 1 producer (baseline)", "-", messages, seconds)


# --- relay --------------------------------------------------------------------------------


def relay_table(
    database: BenchDatabase,
    redis_url: str,
    world: World,
    app_factory: sessionmaker[Session],
    events: int,
) -> str:
    """Events/s of publish_pending drained in a loop, beside enqueueing the same messages."""
    owner_factory = make_session_factory(make_engine(database.admin_url))
    mark_all_published(owner_factory)
    ids = record_events(owner_factory, world, events)
    per_event = len(matching_routes(Topic.FULFILLMENT_PACKED, _routes()))
    rows = []
    for batch in (100, 500):
        rows.append(relay_rate(redis_url, app_factory, events, batch))
        reset_events(owner_factory, ids)
    baseline = enqueue_events_rate(redis_url, world, events)
    rows.append(baseline)
    owner_factory.kw["bind"].dispose()
    title = (
        f"Outbox relay to Redis: {events:,} fulfillment_order.packed events, "
        f"{per_event} messages each ({' + '.join(routes_of(Topic.FULFILLMENT_PACKED))})"
    )
    out = [
        [
            r.name,
            f"{r.count:,}",
            f"{r.seconds:.2f}",
            f"{r.per_second:,.0f}",
            f"{r.per_second * per_event:,.0f}",
            _ratio(r.per_second / baseline.per_second),
        ]
        for r in rows
    ]
    return table(title, out, ["what", "events", "seconds", "events/s", "messages/s", "vs baseline"])


def record_events(
    owner_factory: sessionmaker[Session], world: World, count: int
) -> list[uuid.UUID]:
    """`count` pending packed events of the world's client, as packing writes them."""
    ids = []
    rows = []
    with owner_factory() as session:
        for _ in range(count):
            event_id, fo_id = new_id(), new_id()
            ids.append(event_id)
            rows.append(
                {
                    "provider_id": world.provider_id,
                    "id": event_id,
                    "client_id": world.client_id,
                    "topic": Topic.FULFILLMENT_PACKED.value,
                    "aggregate_type": "fulfillment_order",
                    "aggregate_id": fo_id,
                    "payload": {
                        "fulfillment_order_id": str(fo_id),
                        "order_id": str(new_id()),
                        "client_id": str(world.client_id),
                        "warehouse_id": str(new_id()),
                        "status": "PACKED",
                        "carrier": None,
                        "tracking_number": None,
                    },
                    "created_at": utcnow(),
                    "published_at": None,
                }
            )
            if len(rows) >= EVENTS_PER_INSERT:
                session.execute(insert(OutboxEvent), rows)
                rows.clear()
        if rows:
            session.execute(insert(OutboxEvent), rows)
        session.commit()
    _vacuum(owner_factory)
    return ids


def reset_events(owner_factory: sessionmaker[Session], ids: list[uuid.UUID]) -> None:
    """Make the events pending again (as fresh as a vacuumed outbox)."""
    with owner_factory() as session:
        for start in range(0, len(ids), EVENTS_PER_INSERT):
            session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id.in_(ids[start : start + EVENTS_PER_INSERT]))
                .values(published_at=None)
            )
        session.commit()
    _vacuum(owner_factory)


def relay_rate(redis_url: str, app_factory: sessionmaker[Session], events: int, batch: int) -> Rate:
    """publish_pending in a loop until it finds nothing, as the application role."""
    namespace = _namespace()
    broker = make_broker(redis_url, namespace=namespace)
    install_broker(broker)
    published = 0
    try:
        started = time.perf_counter()
        for _ in range(events // batch + 10):
            done = publish_pending(app_factory, broker, batch)
            published += done
            if done < batch:
                break
        seconds = time.perf_counter() - started
        queued = broker.client.hlen(f"{namespace}:{QUEUE}.msgs")
    finally:
        broker.close()
        _flush(redis_url, namespace)
    expected = events * len(matching_routes(Topic.FULFILLMENT_PACKED, _routes()))
    if published != events or queued != expected:
        raise RuntimeError(f"relay published {published} events, {queued} messages queued")
    return Rate(f"publish_pending, batch {batch}", "", published, seconds)


def enqueue_events_rate(redis_url: str, world: World, events: int) -> Rate:
    """The same messages the relay sends, enqueued straight to the broker."""
    namespace = _namespace()
    broker = make_broker(redis_url, namespace=namespace)
    routes = matching_routes(Topic.FULFILLMENT_PACKED, _routes())
    for route in routes:
        broker.declare_queue(route.queue_name)
    try:
        started = time.perf_counter()
        for _ in range(events):
            event_id = new_id()
            for route in routes:
                broker.enqueue(_message(route.actor_name, world.provider_id, event_id, route))
        seconds = time.perf_counter() - started
    finally:
        broker.close()
        _flush(redis_url, namespace)
    return Rate("broker enqueue only (baseline)", "", events, seconds)


def routes_of(topic: Topic) -> list[str]:
    """The actor names an event of `topic` goes to."""
    return [route.actor_name for route in matching_routes(topic, _routes())]


# --- shared -------------------------------------------------------------------------------


@contextmanager
def workers(
    modules: list[str], processes: int, redis_url: str, namespace: str, env: dict[str, str]
) -> Iterator[Callable[[], None]]:
    """`python -m dramatiq MODULES -p N -t 4` until the block ends; yields a liveness check.

    Returns once every process has polled Redis (its heartbeat is in the namespace).
    """
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CROSSDOCK_")}
    environ.update(env, CROSSDOCK_BROKER_URL=redis_url, CROSSDOCK_BROKER_NAMESPACE=namespace)
    command = [sys.executable, "-m", "dramatiq", *modules,
               "--processes", str(processes), "--threads", str(THREADS)]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environ, stdout=log, stderr=log, start_new_session=True
        )
        client = redis.Redis.from_url(redis_url)

        def check() -> None:
            if process.poll() is not None:
                log.seek(0)
                tail = log.read().decode(errors="replace")[-3000:]
                raise RuntimeError(f"workers exited with {process.returncode}:\n{tail}")

        try:
            deadline = time.monotonic() + READY_TIMEOUT_S
            while client.zcard(f"{namespace}:__heartbeats__") < processes:
                check()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{processes} worker processes did not start")
                time.sleep(0.1)
            yield check
            check()
        finally:
            client.close()
            _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM the worker group, SIGKILL it if it lingers (before its leader is reaped)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # dramatiq stops and joins its processes
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the forked processes too
    process.wait(10)


def _wait(progress: Callable[[], int], target: int, check: Callable[[], None], what: str) -> None:
    """Poll until `progress()` reaches `target`; fail when it stalls for STALL_TIMEOUT_S."""
    last, moved = -1, time.monotonic()
    while True:
        done = progress()
        if done >= target:
            return
        check()
        now = time.monotonic()
        if done != last:
            last, moved = done, now
        elif now - moved > STALL_TIMEOUT_S:
            raise RuntimeError(f"stalled at {done} waiting for {what}")
        time.sleep(POLL_S)


def _relay_loop(
    stop: threading.Event, app_factory: sessionmaker[Session], broker: dramatiq.Broker
) -> None:
    """The relay as `crossdock worker` runs it: full batches at once, else every 0.5 s."""
    from workers.relay import run_relay

    run_relay(stop, app_factory, broker, interval=RELAY_INTERVAL_S)


def mark_all_published(owner_factory: sessionmaker[Session]) -> None:
    """Mark every pending event published."""
    with owner_factory() as session:
        session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.published_at.is_(None))
            .values(published_at=utcnow())
        )
        session.commit()


def _vacuum(owner_factory: sessionmaker[Session]) -> None:
    engine = owner_factory.kw["bind"]
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("VACUUM ANALYZE outbox_events")
        )


def _routes() -> list:
    if not ROUTES:
        install_broker(make_broker(None))
    return ROUTES


def _message(
    actor_name: str, provider_id: uuid.UUID, event_id: uuid.UUID, route=None
) -> dramatiq.Message:
    """A message shaped like the relay's: ``(provider_id, event_id)``, deterministic id."""
    if route is not None:
        return event_message(_Event(provider_id, event_id), route)
    return dramatiq.Message(
        queue_name=QUEUE,
        actor_name=actor_name,
        args=(str(provider_id), str(event_id)),
        kwargs={},
        options={},
        message_id=str(uuid.uuid4()),
    )


@dataclass(frozen=True)
class _Event:
    provider_id: uuid.UUID
    id: uuid.UUID


def _namespace() -> str:
    return f"crossdock-bench-{uuid.uuid4().hex[:12]}"


def _flush(redis_url: str, namespace: str) -> None:
    """Delete the namespace's keys."""
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{namespace}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    finally:
        client.close()


def _table(title: str, rows: list[Rate], baseline: Rate, unit: str) -> str:
    out = [
        [
            r.name,
            r.processes,
            f"{r.count:,}",
            f"{r.seconds:.2f}",
            f"{r.per_second:,.0f}",
            _ratio(r.per_second / baseline.per_second),
        ]
        for r in rows
    ]
    return table(title, out, ["what", "processes", "messages", "seconds", unit, "vs baseline"])


def _ratio(value: float) -> str:
    return f"{value:.2f}" if value >= 0.1 else f"{value:.4f}"


def main() -> None:
    """Command line: sizes as flags; servers from CROSSDOCK_BENCH_POSTGRES_URL, _REDIS_URL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=1_000)
    parser.add_argument("--processes", default="1,2", help="worker process counts, e.g. 1,2")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    print(
        run(
            postgres_url(),
            redis_url(),
            args.labels,
            parse_counts(args.processes),
            args.events,
            args.keep,
        )
    )


def postgres_url() -> str:
    """The benchmark PostgreSQL server (an administrator URL)."""
    return os.environ.get(
        "CROSSDOCK_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )


def redis_url() -> str:
    """The benchmark Redis server; only keys under a fresh namespace are written."""
    return os.environ.get("CROSSDOCK_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def parse_counts(value: str) -> tuple[int, ...]:
    """ "1,2" -> (1, 2)."""
    return tuple(int(part) for part in value.split(",") if part.strip())


if __name__ == "__main__":
    main()
