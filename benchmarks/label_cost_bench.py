"""What a label costs the workers: CPU and SQL statements per label, by consumer actor.

    .venv/bin/python -m benchmarks.label_cost_bench --labels 60 --rounds 2 [--before DIR]

Per round, on a fresh PostgreSQL database (application role): L orders of one rate-table
client packed as in background_bench, then each packed event, and every event its dispatch
records, handed to each consumer actor the relay would send it to, in this process, one
after another (no broker, no threads): CPU milliseconds (process time) and statements per
label for each actor, the first 5 labels left out as warm-up. As the relay does, the events
are handed over in batches of `--relay-batch` (100, the relay's batch): a batched consumer
gets one call per batch with its events (at most MAX_BATCHED_EVENTS), any other one call
per event; `calls` per label shows which. Unlike the worker rounds of background_bench, CPU
time barely moves with the machine's load.

With `--before DIR` (a `git archive` of an earlier revision), each round also measures
that revision, in a child process importing DIR first, alternating with this one; the
table gives each side's median over the rounds and the ratio now / before.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 5


def measure(server_url: str, labels: int, relay_batch: int = 100) -> dict[str, dict[str, float]]:
    """{actor: {"calls", "cpu_ms", "statements"}} per label, for the revision imported."""
    from sqlalchemy import event, select

    from benchmarks.background_bench import make_world, pack_orders
    from benchmarks.seed import create_database
    from crossdock.broker import install_broker, make_broker
    from crossdock.database import make_engine, make_session_factory
    from domain.outbox.events import Topic
    from domain.outbox.models import OutboxEvent
    from workers import runtime

    database = create_database(server_url, name=f"crossdock_labelcost_{uuid.uuid4().hex[:6]}")
    owner = make_session_factory(make_engine(database.admin_url))
    engine = make_engine(database.app_url)
    try:
        world = make_world(owner)
        pack_orders(owner, world, labels + WARM_UP)
        broker = install_broker(make_broker(None))
        runtime.configure(make_session_factory(engine))
        from workers.relay import MAX_BATCHED_EVENTS
        from workers.routing import matching_routes

        current: list[str | None] = [None]
        statements: collections.Counter[str | None] = collections.Counter()
        event.listen(engine, "before_cursor_execute", lambda *_: statements.update([current[0]]))
        cpu: collections.Counter[str] = collections.Counter()
        calls: collections.Counter[str] = collections.Counter()
        with owner() as session:
            packed = list(
                session.scalars(
                    select(OutboxEvent.id)
                    .where(OutboxEvent.topic == Topic.FULFILLMENT_PACKED)
                    .order_by(OutboxEvent.id)
                )
            )
        provider = str(world.provider_id)

        def call(name: str, ids: str | list[str], counted: bool) -> None:
            actor = broker.get_actor(name)
            current[0] = name if counted else None
            started = time.process_time()
            actor.fn(provider, ids)
            if counted:
                cpu[name] += time.process_time() - started
                calls[name] += 1
            current[0] = None

        def consume(events: list[tuple[uuid.UUID, str]], counted: bool, batched: bool) -> None:
            # as the relay hands over one batch: a message per event to each unbatched
            # consumer, one per batch (of at most MAX_BATCHED_EVENTS) to each batched one;
            # `batched`: only the batched consumers, else only the others
            batches: dict[str, list[str]] = {}
            for event_id, topic in events:
                for route in matching_routes(topic):
                    if route.batched != batched:
                        continue
                    if not route.batched:
                        call(route.actor_name, str(event_id), counted)
                    else:
                        batches.setdefault(route.actor_name, []).append(str(event_id))
            for name, ids in batches.items():
                for start in range(0, len(ids), MAX_BATCHED_EVENTS):
                    call(name, ids[start : start + MAX_BATCHED_EVENTS], counted)

        waiting: list[tuple[uuid.UUID, str]] = []
        for n, packed_id in enumerate(packed):
            counted = n >= WARM_UP
            # the label is bought now; the packed event's batched consumers get it in its batch
            consume([(packed_id, Topic.FULFILLMENT_PACKED.value)], counted, batched=False)
            waiting.append((packed_id, Topic.FULFILLMENT_PACKED.value))
            with owner() as session:
                rows = session.execute(
                    select(OutboxEvent.id, OutboxEvent.topic)
                    .where(
                        OutboxEvent.id > packed_id,
                        OutboxEvent.published_at.is_(None),
                        OutboxEvent.topic.not_in(
                            [Topic.FULFILLMENT_PACKED.value, Topic.ORDER_STATUS_CHANGED.value]
                        ),
                    )
                    .order_by(OutboxEvent.id)
                ).all()
                recorded = [(event_id, topic) for event_id, topic in rows]
                session.execute(
                    OutboxEvent.__table__.update()
                    .where(OutboxEvent.id.in_([event_id for event_id, _ in recorded]))
                    .values(published_at=OutboxEvent.created_at)  # as a relay would
                )
                session.commit()
            consume(recorded, counted, batched=False)
            waiting += recorded
            if len(waiting) >= relay_batch or n == WARM_UP - 1 or n == len(packed) - 1:
                consume(waiting, counted, batched=True)
                waiting = []
        return {
            name: {
                "calls": calls[name] / labels,
                "cpu_ms": 1000 * cpu[name] / labels,
                "statements": statements[name] / labels,
            }
            for name in cpu
        }
    finally:
        engine.dispose()
        owner.kw["bind"].dispose()
        database.drop()


def measured_in(
    directory: Path, server_url: str, labels: int, relay_batch: int
) -> dict[str, dict[str, float]]:
    """`measure` in a child process importing `directory` first; its answer."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CROSSDOCK_")}
    env["PYTHONPATH"] = str(directory)
    command = [sys.executable, str(Path(__file__).resolve()), "--measure",
               "--labels", str(labels), "--server", server_url,
               "--relay-batch", str(relay_batch)]  # fmt: skip
    done = subprocess.run(
        command, cwd=directory, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def table_of(sides: dict[str, list[dict[str, dict[str, float]]]]) -> str:
    """Median CPU ms and statements per label, by actor and side; ratio now / before."""
    from benchmarks.load import table

    actors = sorted({a for rounds in sides.values() for r in rounds for a in r})
    totals = {side: [sum(a["cpu_ms"] for a in r.values()) for r in rounds]
              for side, rounds in sides.items()}  # fmt: skip
    rows = []
    for actor in [*actors, "total"]:
        row = [actor]
        medians = {}
        for side, rounds in sides.items():
            if actor == "total":
                cpu = totals[side]
                count = [sum(a["statements"] for a in r.values()) for r in rounds]
                sent = [sum(a["calls"] for a in r.values()) for r in rounds]
            else:
                cpu = [r[actor]["cpu_ms"] for r in rounds if actor in r]
                count = [r[actor]["statements"] for r in rounds if actor in r]
                sent = [r[actor]["calls"] for r in rounds if actor in r]
            medians[side] = statistics.median(cpu) if cpu else float("nan")
            row += [
                " / ".join(f"{c:.1f}" for c in cpu),
                f"{statistics.median(count):.1f}" if count else "-",
                f"{statistics.median(sent):.2f}" if sent else "-",
            ]
        if "before" in medians:
            row.append(f"{medians['now'] / medians['before']:.2f}")
        rows.append(row)
    header = ["actor"]
    for side in sides:
        header += [f"{side}: CPU ms / label, each round", "statements", "calls"]
    if "before" in sides:
        header.append("CPU now / before")
    return table("What a rate-table label costs the workers, consumers in-process", rows, header)


def main() -> None:
    """Command line; PostgreSQL from CROSSDOCK_BENCH_POSTGRES_URL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--relay-batch", type=int, default=100, help="events handed to the consumers at once"
    )
    parser.add_argument("--before", type=Path, help="an earlier revision's files")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--server", help=argparse.SUPPRESS)
    args = parser.parse_args()
    server = args.server or os.environ.get(
        "CROSSDOCK_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    if args.measure:
        print(json.dumps(measure(server, args.labels, args.relay_batch)))
        return
    sides: dict[str, list[dict[str, dict[str, float]]]] = {}
    for _ in range(args.rounds):
        if args.before is not None:
            sides.setdefault("before", []).append(
                measured_in(args.before.resolve(), server, args.labels, args.relay_batch)
            )
        sides.setdefault("now", []).append(measured_in(ROOT, server, args.labels, args.relay_batch))
    print(table_of(sides))


if __name__ == "__main__":
    main()
