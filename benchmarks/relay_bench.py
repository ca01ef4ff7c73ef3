"""The outbox relay benchmark: events/s of publish_pending beside enqueueing the same messages."""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import insert, text, update
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.load import table
from benchmarks.redis_rounds import (
    Rate,
    consumer_routes,
    flush,
    fresh_namespace,
    message,
    ratio,
)
from benchmarks.seed import BenchDatabase
from crossdock.broker import install_broker, make_broker
from crossdock.database import make_engine, make_session_factory
from domain.outbox.events import Topic
from domain.outbox.models import OutboxEvent
from persistence.base import new_id, utcnow
from workers.relay import publish_pending
from workers.routing import matching_routes

if TYPE_CHECKING:
    from benchmarks.background_bench import World

EVENTS_PER_INSERT = 5_000


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
    per_event = len(matching_routes(Topic.FULFILLMENT_PACKED, consumer_routes()))
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
            ratio(r.per_second / baseline.per_second),
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


def relay_rate(
    redis_url: str, app_factory: sessionmaker[Session], events: int, batch: int, name: str = ""
) -> Rate:
    """publish_pending in a loop until it finds nothing, as the application role."""
    namespace = fresh_namespace()
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
        queues = {
            r.queue_name for r in matching_routes(Topic.FULFILLMENT_PACKED, consumer_routes())
        }
        queued = sum(broker.client.hlen(f"{namespace}:{queue}.msgs") for queue in queues)
    finally:
        broker.close()
        flush(redis_url, namespace)
    expected = events * len(matching_routes(Topic.FULFILLMENT_PACKED, consumer_routes()))
    if published != events or queued != expected:
        raise RuntimeError(f"relay published {published} events, {queued} messages queued")
    return Rate(name or f"publish_pending, batch {batch}", "", published, seconds)


def enqueue_events_rate(redis_url: str, world: World, events: int) -> Rate:
    """The same messages the relay sends, enqueued straight to the broker."""
    namespace = fresh_namespace()
    broker = make_broker(redis_url, namespace=namespace)
    routes = matching_routes(Topic.FULFILLMENT_PACKED, consumer_routes())
    for route in routes:
        broker.declare_queue(route.queue_name)
    try:
        started = time.perf_counter()
        for _ in range(events):
            event_id = new_id()
            for route in routes:
                broker.enqueue(message(route.actor_name, world.provider_id, event_id, route))
        seconds = time.perf_counter() - started
    finally:
        broker.close()
        flush(redis_url, namespace)
    return Rate("broker enqueue only (baseline)", "", events, seconds)


def routes_of(topic: Topic) -> list[str]:
    """The actor names an event of `topic` goes to."""
    return [route.actor_name for route in matching_routes(topic, consumer_routes())]


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
