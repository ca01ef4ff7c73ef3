"""Background work on Redis: labels dispatched per second, outbox events relayed per second.

    .venv/bin/python -m benchmarks.background_bench --labels 500 --processes 1,2 --events 5000
    .venv/bin/python -m benchmarks.background_bench --labels 300 --rounds 3 --events 0

Labels: per round, L orders of one client (one line each, 100 SKUs, a US warehouse, a
rate-table carrier account) are created and allocated, then picked and packed through the
domain services, so the outbox holds exactly what packing records (`fulfillment_order.packed`
and the order's status change; the creation events are marked published as a relay that
keeps up would have). `python -m dramatiq crossdock.worker_main:setup -p N -t 4` starts on
a fresh Redis namespace with the application role; once every process has polled Redis,
the relay starts in this process (interval 0.5 s, batch 100, as `crossdock worker` runs
it) and the clock runs until all L fulfillment orders have a shipment (polled every 0.2 s).
Baselines in the same run: the plain broker enqueuing L messages of the relay's shape from
one producer, and N processes of a do-nothing actor draining L such messages. With
`--rounds R` the process counts alternate R times (1, 2, 1, 2, ...), and a second table
gives each count's median labels/s and its ratio to the first count's. Each round's CPU is
read from /proc (worker process group, the PostgreSQL backends of the benchmark's database,
this process with the relay) and shown per label, with the cores it kept busy: on a 2-core
machine a second worker process cannot help once one already keeps both cores busy.

Relay: E `fulfillment_order.packed` events are inserted as the owner, then `publish_pending`
runs in a loop until the outbox is drained (batch 100, then 500, the events reset between);
each event goes to its consumer actors (dispatch and webhooks: two messages). Baseline: the
same messages enqueued straight to the broker.
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import redis
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.load import table
from benchmarks.redis_rounds import QUEUE, Rate, flush, fresh_namespace, message, rate_table
from benchmarks.relay_bench import mark_all_published, relay_table
from benchmarks.seed import BenchDatabase, create_database
from benchmarks.worker_processes import (
    THREADS,
    group_cpu_seconds,
    processes_cpu_seconds,
    relay_loop,
    wait_for,
    workers,
)
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
from persistence.base import new_id
from persistence.unit_of_work import UnitOfWork
from tenants import service
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork

PRODUCTS = 100
ORDERS_PER_TRANSACTION = 250
EVENTS_PER_INSERT = 5_000
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


def run(
    server_url: str,
    redis_url: str,
    labels: int = 1_000,
    processes: tuple[int, ...] = (1, 2),
    events: int = 10_000,
    keep: bool = False,
    rounds: int = 1,
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
            out.append(
                labelsrate_table(database, redis_url, world, app_factory, labels, processes, rounds)
            )
        if events:
            out.append(relay_table(database, redis_url, world, app_factory, events))
        return "\n\n".join(out)
    finally:
        owner.dispose()
        app.dispose()
        if not keep:
            database.drop()


# --- labels -------------------------------------------------------------------------------


def labelsrate_table(
    database: BenchDatabase,
    redis_url: str,
    world: World,
    app_factory: sessionmaker[Session],
    labels: int,
    processes: tuple[int, ...],
    rounds: int = 1,
) -> str:
    """Labels/s for each process count, beside the broker's enqueue and a trivial actor;
    with several `rounds`, the counts alternate (1, 2, 1, 2, ...) and a second table gives
    each count's median and its ratio to the first count's."""
    owner_factory = make_session_factory(make_engine(database.admin_url))
    baseline = enqueue_rate(redis_url, labels)
    rows: list[Rate] = []
    notes = []
    for _ in range(rounds):
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
    out = rate_table(title, rows, baseline, "per second") + "\n\n" + cpu_table(rows)
    if rounds > 1:
        out += "\n\n" + scaling_table(rows, processes, rounds)
    return out


def scaling_table(rows: list[Rate], processes: tuple[int, ...], rounds: int) -> str:
    """Each process count's median labels/s over the rounds, and its ratio to the first's."""
    dispatched = [r for r in rows if r.name.startswith("dispatch")]
    medians = {
        count: statistics.median(r.per_second for r in dispatched if r.processes == str(count))
        for count in processes
    }
    first = medians[processes[0]]
    out = [
        [
            str(count),
            " / ".join(f"{r.per_second:.1f}" for r in dispatched if r.processes == str(count)),
            f"{medians[count]:.1f}",
            f"{medians[count] / first:.2f}",
        ]
        for count in processes
    ]
    return table(
        f"Scaling: labels/s by worker processes, {rounds} interleaved rounds",
        out,
        ["processes", "rounds (labels/s)", "median", f"vs {processes[0]}"],
    )


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
    modules: tuple[str, ...] = (),
    name: str = "",
) -> Rate:
    """Seconds from starting the relay until every fulfillment order has a shipment
    (`modules`: more modules the worker processes import after set-up)."""
    namespace = fresh_namespace()
    owner = make_engine(database.admin_url, pool_size=1)
    broker = make_broker(redis_url, namespace=namespace)
    install_broker(broker)
    command = ["crossdock.worker_main:setup", *modules]
    env = database.env()
    stop = threading.Event()
    relay = threading.Thread(
        target=relay_loop, args=(stop, app_factory, broker), name="bench-relay", daemon=True
    )
    try:
        with workers(command, processes, redis_url, namespace, env) as check:
            before = _cpu(owner, check.pid)
            started = time.perf_counter()
            relay.start()

            def shipped() -> int:
                with owner.connect() as connection:
                    return connection.scalar(
                        select(func.count())
                        .select_from(Shipment)
                        .where(Shipment.fulfillment_order_id.in_(fo_ids))
                    )

            wait_for(shipped, len(fo_ids), check, f"{len(fo_ids)} shipments")
            seconds = time.perf_counter() - started
            after = _cpu(owner, check.pid)
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
        flush(redis_url, namespace)
    name = name or f"dispatch: relay + workers, {THREADS} threads each"
    spent = {part: after[part] - before[part] for part in ("workers", "bench")}
    backends = after["backends"]
    spent["postgresql"] = sum(
        cpu - before["backends"].get(pid, 0.0) for pid, cpu in backends.items()
    )
    return Rate(name, str(processes), len(fo_ids), seconds, cpu=spent)


def _cpu(owner: Engine, workers_pid: int) -> dict[str, Any]:
    # CPU seconds so far: the worker process group, this process (relay and polling), and
    # each PostgreSQL backend connected to the benchmark's database, by pid
    with owner.connect() as connection:
        pids = set(
            connection.scalars(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            )
        )
    own = os.times()
    return {
        "workers": group_cpu_seconds(workers_pid),
        "bench": own.user + own.system,
        "backends": processes_cpu_seconds(pids),
    }


def cpu_table(rows: list[Rate]) -> str:
    """Where the CPU of each dispatch round went, per label, and how many cores were busy."""
    out = []
    for r in rows:
        if r.cpu is None:
            continue
        parts = [r.cpu["workers"], r.cpu["postgresql"], r.cpu["bench"]]
        out.append(
            [
                r.processes,
                f"{r.per_second:.1f}",
                *(f"{1000 * part / r.count:.1f}" for part in parts),
                f"{1000 * sum(parts) / r.count:.1f}",
                f"{sum(parts) / r.seconds:.2f}",
            ]
        )
    return table(
        "CPU per label (ms): worker processes, PostgreSQL backends of the benchmark's database, "
        "this process (relay, polling); cores busy = their CPU seconds / wall seconds",
        out,
        ["processes", "labels/s", "workers", "postgresql", "relay", "total", "cores busy"],
    )


def noop_rate(redis_url: str, messages: int, processes: int) -> Rate:
    """Seconds for N processes of a do-nothing actor to drain `messages` enqueued at once."""
    namespace = fresh_namespace()
    broker = make_broker(redis_url, namespace=namespace)
    broker.declare_queue(QUEUE)
    client = redis.Redis.from_url(redis_url)
    try:
        with workers(["benchmarks.noop_actor"], processes, redis_url, namespace, {}) as check:
            started = time.perf_counter()
            for _ in range(messages):
                broker.enqueue(message(NOOP_ACTOR, uuid.uuid4(), new_id()))

            def acknowledged() -> int:
                return messages - client.hlen(f"{namespace}:{QUEUE}.msgs")

            wait_for(acknowledged, messages, check, f"{messages} trivial messages")
            seconds = time.perf_counter() - started
    finally:
        broker.close()
        client.close()
        flush(redis_url, namespace)
    return Rate(
        f"trivial actor: enqueue + consume, {THREADS} threads each",
        str(processes),
        messages,
        seconds,
    )


def enqueue_rate(redis_url: str, messages: int) -> Rate:
    """The plain broker: `messages` of the relay's shape enqueued by one producer."""
    namespace = fresh_namespace()
    broker = make_broker(redis_url, namespace=namespace)
    broker.declare_queue(QUEUE)
    try:
        provider = uuid.uuid4()
        started = time.perf_counter()
        for _ in range(messages):
            broker.enqueue(message("dispatch_fulfillment", provider, new_id()))
        seconds = time.perf_counter() - started
    finally:
        broker.close()
        flush(redis_url, namespace)
    return Rate("broker enqueue only, 1 producer (baseline)", "-", messages, seconds)


# --- relay --------------------------------------------------------------------------------


# --- shared -------------------------------------------------------------------------------


def main() -> None:
    """Command line: sizes as flags; servers from CROSSDOCK_BENCH_POSTGRES_URL, _REDIS_URL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=1_000)
    parser.add_argument("--processes", default="1,2", help="worker process counts, e.g. 1,2")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--rounds", type=int, default=1, help="repeat the process counts, alternating"
    )
    args = parser.parse_args()
    print(
        run(
            postgres_url(),
            redis_url(),
            args.labels,
            parse_counts(args.processes),
            args.events,
            args.keep,
            args.rounds,
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
