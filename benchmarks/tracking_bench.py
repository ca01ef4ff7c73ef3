"""What consumer tracking costs: labels/s and relay events/s with it on and off, one run.

    .venv/bin/python -m benchmarks.tracking_bench --labels 300 --events 5000 --rounds 2

Consumers in-process, interleaved: the packed events' consumers (`dispatch_fulfillment`
buying the label, `deliver_event_webhooks`) called one event after another in this process,
tracking on for even events and off for odd ones (benchmarks.tracking_switch), so that the
machine's load drifts alike over both; CPU-bound, it resolves a few percent where the
worker rounds below swing by tens of percent on a shared machine.

Labels: as in background_bench (packed orders of a rate-table client, `dramatiq
crossdock.worker_main:setup` with 1 process x 4 threads, the relay in this process, timed
until every order has a shipment); off, the worker processes also import
benchmarks.tracking_off, so no consumer writes its mark. Rounds alternate off and on; the
best round of each is shown. Relay: `publish_pending` (batch 100) draining E packed events;
off, the partial index of unsettled events (what the sweep reads, maintained as events are
stamped published) is dropped for the round and made again after.
"""

from __future__ import annotations

import argparse
import time
import uuid

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from benchmarks import tracking_switch
from benchmarks.background_bench import (
    World,
    dispatch_rate,
    make_world,
    pack_orders,
    postgres_url,
)
from benchmarks.background_bench import redis_url as bench_redis_url
from benchmarks.load import table
from benchmarks.redis_rounds import Rate
from benchmarks.relay_bench import mark_all_published, record_events, relay_rate, reset_events
from benchmarks.seed import BenchDatabase, create_database
from crossdock.broker import install_broker, make_broker
from crossdock.database import make_engine, make_session_factory
from domain.outbox.events import Topic
from domain.outbox.models import OutboxEvent
from domain.shipping.models import Shipment
from workers import runtime

LIMIT = 0.15
"""Tracking may cost at most this fraction of the throughput."""
INDEX = "ix_outbox_events_unsettled"
CREATE_INDEX = (
    f"CREATE INDEX {INDEX} ON outbox_events (provider_id, published_at) "
    "WHERE settled_at IS NULL AND published_at IS NOT NULL"
)


def run(server_url: str, redis_url: str, labels: int, events: int, rounds: int) -> str:
    """Both comparisons on a fresh database; one table."""
    database = create_database(server_url, name=f"crossdock_tracking_{uuid.uuid4().hex[:6]}")
    owner = make_engine(database.admin_url)
    app = make_engine(database.app_url, pool_size=2)
    try:
        owner_factory = make_session_factory(owner)
        app_factory = make_session_factory(app)
        world = make_world(owner_factory)
        rows = []
        if labels:
            rows.append(interleaved_labels(owner_factory, app_factory, world, labels))
        if labels and rounds:
            best = {False: None, True: None}
            for _ in range(rounds):
                for on in (False, True):
                    fo_ids = pack_orders(owner_factory, world, labels)
                    modules = () if on else ("benchmarks.tracking_off",)
                    name = f"labels, tracking {'on' if on else 'off'}"
                    rate = dispatch_rate(
                        database, redis_url, app_factory, world, fo_ids, 1, modules, name
                    )
                    best[on] = _better(best[on], rate)
            rows.append(
                ("labels/s, worker rounds (1 process x 4 threads)", best[False], best[True])
            )
        if events and rounds:
            mark_all_published(owner_factory)
            ids = record_events(owner_factory, world, events)
            best = {False: None, True: None}
            for _ in range(rounds):
                for on in (False, True):
                    _index(database, present=on)
                    rate = relay_rate(redis_url, app_factory, events, 100)
                    reset_events(owner_factory, ids)
                    best[on] = _better(best[on], rate)
            _index(database, present=True)
            rows.append(("relay events/s (batch 100)", best[False], best[True]))
        return _table(labels, events, rounds, rows)
    finally:
        owner.dispose()
        app.dispose()
        database.drop()


def interleaved_labels(
    owner_factory: sessionmaker[Session],
    app_factory: sessionmaker[Session],
    world: World,
    labels: int,
) -> tuple[str, Rate, Rate]:
    """Labels/s of the packed events' consumers called in this process, on and off alternating."""
    fo_ids = pack_orders(owner_factory, world, labels)
    with owner_factory() as session:
        events = list(
            session.scalars(
                select(OutboxEvent.id)
                .where(
                    OutboxEvent.topic == Topic.FULFILLMENT_PACKED,
                    OutboxEvent.published_at.is_(None),
                )
                .order_by(OutboxEvent.id)
            )
        )
    install_broker(make_broker(None))
    runtime.configure(app_factory)
    from workers.dispatch import dispatch_fulfillment
    from workers.webhooks import deliver_event_webhooks

    spent = {False: 0.0, True: 0.0}
    done = {False: 0, True: 0}
    provider = str(world.provider_id)
    for n, event_id in enumerate(events):
        on = n % 2 == 0
        if not on:
            tracking_switch.disable()
        try:
            started = time.perf_counter()
            dispatch_fulfillment(provider, str(event_id))
            deliver_event_webhooks(provider, str(event_id))
            spent[on] += time.perf_counter() - started
            done[on] += 1
        finally:
            tracking_switch.enable()
    with owner_factory() as session:
        shipped = session.scalar(
            select(func.count())
            .select_from(Shipment)
            .where(Shipment.fulfillment_order_id.in_(fo_ids))
        )
    if shipped != len(fo_ids):
        raise RuntimeError(f"{shipped} of {len(fo_ids)} labels bought")
    return (
        "labels/s, consumers in-process, interleaved",
        Rate("off", "", done[False], spent[False]),
        Rate("on", "", done[True], spent[True]),
    )


def _better(kept: Rate | None, rate: Rate) -> Rate:
    return rate if kept is None or rate.per_second > kept.per_second else kept


def _index(database: BenchDatabase, *, present: bool) -> None:
    engine = make_engine(database.admin_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"DROP INDEX IF EXISTS {INDEX}"))
            if present:
                connection.execute(text(CREATE_INDEX))
    finally:
        engine.dispose()


def _table(labels: int, events: int, rounds: int, rows: list) -> str:
    out = []
    for what, off, on in rows:
        cost = 1 - on.per_second / off.per_second
        verdict = "ok" if cost < LIMIT else f"over {LIMIT:.0%}"
        out.append(
            [what, f"{off.per_second:,.1f}", f"{on.per_second:,.1f}", f"{cost:+.1%}", verdict]
        )
    title = (
        f"Consumer tracking on vs. off: {labels} labels, {events:,} relayed events, best of "
        f"{rounds} alternating rounds (off = the baseline)"
    )
    return table(title, out, ["what", "off", "on", "cost", f"< {LIMIT:.0%}"])


def main() -> None:
    """Command line: sizes as flags; servers from CROSSDOCK_BENCH_POSTGRES_URL, _REDIS_URL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", type=int, default=300)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=2, help="worker and relay rounds (0: none)")
    args = parser.parse_args()
    print(run(postgres_url(), bench_redis_url(), args.labels, args.events, args.rounds))


if __name__ == "__main__":
    main()
