"""The Dramatiq broker: built from the broker URL, installed before any actor is imported."""

from __future__ import annotations

from collections.abc import Iterable

import dramatiq
import dramatiq.broker
import redis
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    CurrentMessage,
    Middleware,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from workers.actors import import_actors
from workers.telemetry import MessageTelemetry

DEFAULT_NAMESPACE = "crossdock"
MAX_RETRIES = 5
MIN_BACKOFF_MS = 1_000
MAX_BACKOFF_MS = 5 * 60_000
TIME_LIMIT_MS = 60_000
MAX_AGE_MS = 24 * 3_600_000
REDIS_TIMEOUT_S = 10.0


def default_middleware() -> list[Middleware]:
    """Dramatiq's middleware with our defaults instead of its own (20 retries over days)."""
    return [
        AgeLimit(max_age=MAX_AGE_MS),
        TimeLimit(time_limit=TIME_LIMIT_MS),
        ShutdownNotifications(),
        Callbacks(),
        Pipelines(),
        Retries(max_retries=MAX_RETRIES, min_backoff=MIN_BACKOFF_MS, max_backoff=MAX_BACKOFF_MS),
        CurrentMessage(),  # lets an actor read its message id to drop duplicates
        MessageTelemetry(),  # request ids in actors' logs; counts, durations, consumer lag
    ]


def make_broker(
    url: str | None,
    *,
    namespace: str = DEFAULT_NAMESPACE,
    heartbeat_timeout_ms: int = 60_000,
    maintenance_chance: int = 1_000,
) -> dramatiq.Broker:
    """A broker for `url`: redis:// or rediss://, amqp:// or amqps://, None for in-process.

    On Redis, a worker that dies (even by SIGKILL) leaves its unacknowledged messages
    behind; once its heartbeat is `heartbeat_timeout_ms` old, another worker's periodic
    maintenance (`maintenance_chance` per million fetches) puts them back on the queue.
    """
    middleware = default_middleware()
    if url is None:
        return StubBroker(middleware=middleware)
    scheme = url.split("://", 1)[0].lower()
    if scheme in {"redis", "rediss", "unix"}:
        # the relay sends inside its database transaction: a hung Redis must time out
        client = redis.Redis.from_url(
            url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S
        )
        return RedisBroker(
            client=client,
            namespace=namespace,
            middleware=middleware,
            heartbeat_timeout=heartbeat_timeout_ms,
            maintenance_chance=maintenance_chance,
        )
    if scheme in {"amqp", "amqps"}:
        # confirmed delivery: the relay marks an event published only once RabbitMQ has it
        return RabbitmqBroker(url=url, confirm_delivery=True, middleware=middleware)
    raise ValueError(f"unsupported broker URL scheme {scheme!r}: use redis:// or amqp://")


def install_broker(broker: dramatiq.Broker, extra_modules: Iterable[str] = ()) -> dramatiq.Broker:
    """Make `broker` the process's broker, then import the actor modules so they bind to it.

    Actors imported earlier under another broker (a second app in one test process) are
    declared on the new one too.
    """
    previous = dramatiq.broker.global_broker
    dramatiq.set_broker(broker)
    import_actors(extra_modules)
    if previous is not None and previous is not broker:
        for name in previous.get_declared_actors():
            actor = previous.get_actor(name)
            actor.broker = broker
            broker.declare_actor(actor)
    return broker
