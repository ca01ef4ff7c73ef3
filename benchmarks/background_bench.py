"""Background work on Redis: labels dispatched per second, outbox events relayed per second.

    .venv/bin/python -m benchmarks.background_bench --labels 500 --processes 1,2 --events 5000
    .venv/bin/python -m benchmarks.background_bench --labels 300 --rounds 3 --events 0
    .venv/bin/python -m benchmarks.background_bench --labels 300 --rounds 3 --events 0 --before DIR

Labels: per round, L orders of one client (one line each, 100 SKUs, a US warehouse, a
rate-table carrier account) are created and allocated, then picked and packed through the
domain services, so the outbox holds exactly what packing records (`fulfillment_order.packed`
and the order's status change; the creation events are marked published as a relay that
keeps up would have). `python -m dramatiq crossdock.worker_main:setup -p N -t 4` starts on
a fresh Redis namespace with the application role; once every process has polled Redis,
the relay starts in this process (interval 0.5 s, batch 100, as `crossdock worker` runs
it) and the clock runs until all L fulfillment orders have a shipment (polled every 0.2 s);
CPU is read once every consumer of their events is done (the outbox relayed, every message
acknowledged: "settled").
Baselines in the same run: the plain broker enqueuing L messages of the relay's shape from
one producer, and N processes of a do-nothing actor draining L such messages. With
`--rounds R` the process counts alternate R times (1, 2, 1, 2, ...), and a second table
gives each count's median labels/s and its ratio to the first count's. Each round's CPU is
read from /proc (worker process group, the PostgreSQL backends of the benchmark's database,
this process with the relay; Redis's own, from INFO, though other clients of a shared server
count too) and shown per label, with each worker process's share, the cores kept busy and
labels per CPU-second (equal at 1 and 2 processes: the processes do not contend); a thread
samples pg_stat_activity every 50 ms for lock waits. On a 2-core machine a second worker
process cannot help once one already keeps both cores busy.

With `--before DIR` (a `git archive` of an earlier revision holding this file), every round
runs in a child process importing DIR, then one importing this checkout, alternating, each
on its own database and Redis namespace (the relay too is the revision's own); the scaling
table then has a row per revision and process count.

Relay: E `fulfillment_order.packed` events are inserted as the owner, then `publish_pending`
runs in a loop until the outbox is drained (batch 100, then 500, the events reset between);
each event goes to its consumer actors (dispatch and webhooks: two messages). Baseline: the
same messages enqueued straight to the broker.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.load import table
from benchmarks.redis_rounds import QUEUE, Rate, flush, fresh_namespace, message, rate_table
from benchmarks.relay_bench import mark_all_published, relay_table
from benchmarks.seed import BenchDatabase, create_database
from benchmarks.worker_processes import (
    ROOT,
    THREADS,
    group_cpu_by_process,
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
    """Each revision's and process count's median labels/s and labels per CPU-second over
    the rounds, and the labels/s ratio to the revision's first count."""
    dispatched = [r for r in rows if r.cpu is not None]
    revisions = list(dict.fromkeys(r.name.split(":")[0] for r in dispatched))
    out = []
    for revision in revisions:
        first = None
        for count in processes:
            mine = [
                r for r in dispatched
                if r.processes == str(count) and r.name.split(":")[0] == revision
            ]  # fmt: skip
            median = statistics.median(r.per_second for r in mine)
            first = first or median
            per_cpu = [r.count / _total_cpu(r) for r in mine if r.cpu is not None]
            out.append(
                [
                    revision,
                    str(count),
                    " / ".join(f"{r.per_second:.1f}" for r in mine),
                    f"{median:.1f}",
                    f"{median / first:.2f}",
                    f"{statistics.median(per_cpu):.1f}" if per_cpu else "-",
                ]
            )
    return table(
        f"Scaling: labels/s by worker processes, {rounds} interleaved rounds",
        out,
        ["revision", "processes", "rounds (labels/s)", "median", f"vs {processes[0]}",
         "labels/CPU-s"],
    )  # fmt: skip


def _total_cpu(r: Rate) -> float:
    assert r.cpu is not None
    return (
        sum(r.cpu["workers"].values())
        + sum(r.cpu["backends"].values())
        + r.cpu["bench"]
        + r.cpu["redis"]
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
    locks = LockWaits(owner)
    try:
        with workers(command, processes, redis_url, namespace, env) as check:
            before = _cpu(owner, check.pid, redis_url)
            started = time.perf_counter()
            relay.start()
            locks.start()

            def shipped() -> int:
                with owner.connect() as connection:
                    return connection.scalar(
                        select(func.count())
                        .select_from(Shipment)
                        .where(Shipment.fulfillment_order_id.in_(fo_ids))
                    )

            wait_for(shipped, len(fo_ids), check, f"{len(fo_ids)} shipments")
            seconds = time.perf_counter() - started

            def settled() -> int:
                # the outbox relayed and every message acknowledged: all consumers done
                with owner.connect() as connection:
                    pending = connection.scalar(
                        select(func.count())
                        .select_from(OutboxEvent)
                        .where(OutboxEvent.published_at.is_(None))
                    )
                held = sum(client.hlen(key) for key in client.scan_iter(f"{namespace}:*.msgs"))
                return int(pending == 0 and held == 0)

            client = redis.Redis.from_url(redis_url)
            try:
                wait_for(settled, 1, check, "every consumer message acknowledged")
            finally:
                client.close()
            all_done = time.perf_counter() - started
            after = _cpu(owner, check.pid, redis_url)
            locks.stop()
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
        locks.stop()
        stop.set()
        if relay.is_alive():
            relay.join(15)
        broker.close()
        owner.dispose()
        flush(redis_url, namespace)
    name = name or f"dispatch: relay + workers, {THREADS} threads each"
    spent = {part: after[part] - before[part] for part in ("bench", "redis", "redis_commands")}
    for part in ("workers", "backends"):
        spent[part] = {pid: cpu - before[part].get(pid, 0.0) for pid, cpu in after[part].items()}  # type: ignore[assignment]
    spent["lock_waits"] = locks.seen
    spent["settled_s"] = all_done
    return Rate(name, str(processes), len(fo_ids), seconds, cpu=spent)


class LockWaits:
    """Samples pg_stat_activity every 50 ms in a thread: how many samples saw a `Lock` wait."""

    def __init__(self, owner: Engine) -> None:
        self.owner, self.seen = owner, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-locks", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)

    def _run(self) -> None:
        with self.owner.connect() as connection:
            while not self._stop.wait(0.05):
                waiting = connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                    )
                )
                connection.rollback()
                self.seen += 1 if waiting else 0


def _cpu(owner: Engine, workers_pid: int, redis_url: str) -> dict[str, Any]:
    # CPU seconds so far: the worker processes by pid, this process (relay and polling),
    # each PostgreSQL backend connected to the benchmark's database by pid, and the Redis
    # server (shared: other clients' commands count too), with its commands processed
    with owner.connect() as connection:
        pids = set(
            connection.scalars(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            )
        )
    own = os.times()
    client = redis.Redis.from_url(redis_url)
    try:
        used, stats = client.info("cpu"), client.info("stats")
    finally:
        client.close()
    return {
        "workers": group_cpu_by_process(workers_pid),
        "bench": own.user + own.system,
        "backends": processes_cpu_seconds(pids),
        "redis": used["used_cpu_sys"] + used["used_cpu_user"],
        "redis_commands": stats["total_commands_processed"],
    }


def cpu_table(rows: list[Rate]) -> str:
    """Where the CPU of each dispatch round went, per label, how many cores were busy, and
    labels per CPU-second (the processes contend if it falls with more of them)."""
    out = []
    for r in rows:
        if r.cpu is None:
            continue
        workers_cpu = sorted(r.cpu["workers"].values(), reverse=True)
        parts = [sum(workers_cpu), sum(r.cpu["backends"].values()), r.cpu["bench"]]
        total = sum(parts) + r.cpu["redis"]
        out.append(
            [
                r.name.split(":")[0],
                r.processes,
                f"{r.per_second:.1f}",
                "+".join(f"{1000 * cpu / r.count:.1f}" for cpu in workers_cpu if cpu > 0),
                *(f"{1000 * part / r.count:.1f}" for part in parts),
                f"{1000 * r.cpu['redis'] / r.count:.1f}",
                f"{r.cpu['redis_commands'] / r.count:.0f}",
                f"{1000 * total / r.count:.1f}",
                f"{r.count / r.cpu['settled_s']:.1f}",
                f"{total / r.cpu['settled_s']:.2f}",
                f"{r.count / total:.1f}",
                str(r.cpu["lock_waits"]),
            ]
        )
    return table(
        "CPU per label (ms): worker processes (each, then all), PostgreSQL backends of the "
        "benchmark's database, this process (relay, polling), the Redis server (shared: other "
        "clients count too) and its commands per label, until every consumer of the labels' "
        "events is done (settled/s: labels per second to then; cores busy = CPU seconds / "
        "those wall seconds);"
        " lock waits = 50 ms samples of pg_stat_activity with a Lock wait",
        out,
        ["revision", "processes", "labels/s", "each worker", "workers", "postgresql", "relay",
         "redis", "redis cmds", "total", "settled/s", "cores busy", "labels/CPU-s", "lock waits"],
    )  # fmt: skip


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


def one_round(server_url: str, redis_url: str, labels: int, processes: int) -> Rate:
    """One dispatch round of this revision on a fresh database (the child of `--before`)."""
    database = create_database(server_url, name=f"crossdock_background_{uuid.uuid4().hex[:6]}")
    owner = make_engine(database.admin_url)
    app = make_engine(database.app_url, pool_size=2)
    try:
        owner_factory = make_session_factory(owner)
        world = make_world(owner_factory)
        fo_ids = pack_orders(owner_factory, world, labels)
        return dispatch_rate(
            database, redis_url, make_session_factory(app), world, fo_ids, processes
        )
    finally:
        owner.dispose()
        app.dispose()
        database.drop()


def revisions_table(before: Path, labels: int, processes: tuple[int, ...], rounds: int) -> str:
    """Rounds of the revision in `before` and of this checkout, alternating, each in a child
    process importing its own files (relay included); CPU and scaling tables."""
    rows = []
    for _ in range(rounds):
        for count in processes:
            for revision, directory in (("before", before.resolve()), ("now", ROOT)):
                env = {k: v for k, v in os.environ.items() if not k.startswith("CROSSDOCK_")}
                env.update(PYTHONPATH=str(directory), CROSSDOCK_BENCH_POSTGRES_URL=postgres_url(),
                           CROSSDOCK_BENCH_REDIS_URL=redis_url())  # fmt: skip
                command = [sys.executable, "-m", "benchmarks.background_bench", "--child",
                           "--labels", str(labels), "--processes", str(count)]  # fmt: skip
                done = subprocess.run(
                    command, cwd=directory, env=env, capture_output=True, text=True, check=True
                )
                fields = json.loads(done.stdout.strip().splitlines()[-1])
                fields["name"] = f"{revision}: {fields['name']}"
                rows.append(Rate(**fields))
                print(f"{fields['name']}, {count} processes: {rows[-1].per_second:.1f}/s",
                      file=sys.stderr, flush=True)  # fmt: skip
    return cpu_table(rows) + "\n\n" + scaling_table(rows, processes, rounds)


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
    parser.add_argument("--before", type=Path, help="an earlier revision's files (labels only)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    counts = parse_counts(args.processes)
    if args.child:
        rate = one_round(postgres_url(), redis_url(), args.labels, counts[0])
        print(json.dumps(dataclasses.asdict(rate)))
        return
    if args.before is not None:
        print(revisions_table(args.before, args.labels, counts, args.rounds))
        return
    print(
        run(
            postgres_url(),
            redis_url(),
            args.labels,
            counts,
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
