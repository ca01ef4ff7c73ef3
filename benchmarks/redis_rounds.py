"""What the background benchmarks share: a measured rate, fresh Redis namespaces, tables."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import dramatiq
import redis

from benchmarks.load import table
from crossdock.broker import install_broker, make_broker
from workers.relay import event_message
from workers.routing import ROUTES

QUEUE = "default"


@dataclass(frozen=True)
class Rate:
    """One measured row: how many things in how many seconds."""

    name: str
    processes: str
    count: int
    seconds: float
    cpu: dict[str, float] | None = field(default=None, compare=False)
    """CPU seconds by where they were spent, when measured."""

    @property
    def per_second(self) -> float:
        return self.count / self.seconds


def consumer_routes() -> list:
    if not ROUTES:
        install_broker(make_broker(None))
    return ROUTES


def message(
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


def fresh_namespace() -> str:
    return f"crossdock-bench-{uuid.uuid4().hex[:12]}"


def flush(redis_url: str, namespace: str) -> None:
    """Delete the namespace's keys."""
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{namespace}:*", count=1000))
        for start in range(0, len(keys), 1000):
            client.delete(*keys[start : start + 1000])
    finally:
        client.close()


def rate_table(title: str, rows: list[Rate], baseline: Rate, unit: str) -> str:
    out = [
        [
            r.name,
            r.processes,
            f"{r.count:,}",
            f"{r.seconds:.2f}",
            f"{r.per_second:,.0f}",
            ratio(r.per_second / baseline.per_second),
        ]
        for r in rows
    ]
    return table(title, out, ["what", "processes", "messages", "seconds", unit, "vs baseline"])


def ratio(value: float) -> str:
    return f"{value:.2f}" if value >= 0.1 else f"{value:.4f}"
