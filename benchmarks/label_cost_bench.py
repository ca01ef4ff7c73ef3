"""What a label costs the workers: CPU and SQL statements per label, by consumer actor.

    .venv/bin/python -m benchmarks.label_cost_bench --labels 60 --rounds 2 [--before DIR]

Per round, on a fresh PostgreSQL database (application role): L orders of one rate-table
client packed as in background_bench, then each packed event, and every event its dispatch
records, handed to each consumer actor the relay would send it to, in this process, one
after another (no broker, no threads): CPU milliseconds (process time) and statements per
label for each actor, the first 5 labels left out as warm-up. Unlike the worker rounds of
background_bench, CPU time barely moves with the machine's load.

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


def measure(server_url: str, labels: int) -> dict[str, dict[str, float]]:
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
        from workers.routing import routes_for

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

        def consume(event_id: uuid.UUID, topic: str, counted: bool) -> None:
            for name in routes_for(topic):
                actor = broker.get_actor(name)
                current[0] = name if counted else None
                started = time.process_time()
                actor.fn(provider, str(event_id))
                if counted:
                    cpu[name] += time.process_time() - started
                    calls[name] += 1
            current[0] = None

        for n, packed_id in enumerate(packed):
            counted = n >= WARM_UP
            consume(packed_id, Topic.FULFILLMENT_PACKED.value, counted)
            with owner() as session:
                recorded = session.execute(
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
                session.execute(
                    OutboxEvent.__table__.update()
                    .where(OutboxEvent.id.in_([row[0] for row in recorded]))
                    .values(published_at=OutboxEvent.created_at)  # as a relay would
                )
                session.commit()
            for event_id, topic in recorded:
                consume(event_id, topic, counted)
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


def measured_in(directory: Path, server_url: str, labels: int) -> dict[str, dict[str, float]]:
    """`measure` in a child process importing `directory` first; its answer."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CROSSDOCK_")}
    env["PYTHONPATH"] = str(directory)
    command = [sys.executable, str(Path(__file__).resolve()), "--measure",
               "--labels", str(labels), "--server", server_url]  # fmt: skip
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
            else:
                cpu = [r[actor]["cpu_ms"] for r in rounds if actor in r]
                count = [r[actor]["statements"] for r in rounds if actor in r]
            medians[side] = statistics.median(cpu) if cpu else float("nan")
            row += [
                " / ".join(f"{c:.1f}" for c in cpu),
                f"{statistics.median(count):.0f}" if count else "-",
            ]
        if "before" in medians:
            row.append(f"{medians['now'] / medians['before']:.2f}")
        rows.append(row)
    header = ["actor"]
    for side in sides:
        header += [f"{side}: CPU ms / label, each round", "statements"]
    if "before" in sides:
        header.append("CPU now / before")
    return table("What a rate-table label costs the workers, consumers in-process", rows, header)


def main() -> None:
    """Command line; PostgreSQL from CROSSDOCK_BENCH_POSTGRES_URL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--before", type=Path, help="an earlier revision's files")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--server", help=argparse.SUPPRESS)
    args = parser.parse_args()
    server = args.server or os.environ.get(
        "CROSSDOCK_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    if args.measure:
        print(json.dumps(measure(server, args.labels)))
        return
    sides: dict[str, list[dict[str, dict[str, float]]]] = {}
    for _ in range(args.rounds):
        if args.before is not None:
            sides.setdefault("before", []).append(
                measured_in(args.before.resolve(), server, args.labels)
            )
        sides.setdefault("now", []).append(measured_in(ROOT, server, args.labels))
    print(table_of(sides))


if __name__ == "__main__":
    main()
