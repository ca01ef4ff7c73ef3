"""Gauges read at scrape time: the outbox's unpublished events and each queue's messages."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import dramatiq
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.common import dq_name, xq_name
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from sqlalchemy.orm import Session, sessionmaker

from domain.outbox.relay import RELAY_TASK, oldest_unsettled, pending_summary
from persistence.base import utcnow
from persistence.unit_of_work import UnitOfWork

log = logging.getLogger("crossdock.metrics")


class OutboxBacklog:
    """``crossdock_outbox_unpublished_events``, the age of the oldest of them, and the age of
    the oldest published event the sweep has not settled."""

    def __init__(self, session_factory: sessionmaker[Session]):
        self.session_factory = session_factory

    def collect(self) -> Iterator[Metric]:
        """One query across tenants (the relay's system task may read every outbox)."""
        try:
            with UnitOfWork(self.session_factory, system_task=RELAY_TASK) as unit:
                count, oldest = pending_summary(unit.session)
                unsettled = oldest_unsettled(unit.session)
        except Exception:  # a scrape must answer even while the database is away
            log.warning("metrics: the outbox could not be read", exc_info=True)
            return
        age = 0.0 if oldest is None else max((utcnow() - _aware(oldest)).total_seconds(), 0.0)
        yield GaugeMetricFamily(
            "crossdock_outbox_unpublished_events",
            "Outbox events not yet handed to the broker by the relay.",
            value=count,
        )
        yield GaugeMetricFamily(
            "crossdock_outbox_oldest_unpublished_age_seconds",
            "Age of the oldest unpublished outbox event (0 when none waits).",
            value=age,
        )
        now = utcnow()
        yield GaugeMetricFamily(
            "crossdock_outbox_oldest_unsettled_age_seconds",
            "Time since the oldest published event not yet processed by all of its consumers "
            "(as the redelivery sweep last found) was published; 0 when none.",
            value=0.0 if unsettled is None else max((now - _aware(unsettled)).total_seconds(), 0.0),
        )


class QueueBacklog:
    """``crossdock_queue_messages{queue, state}``: ready, delayed and dead messages per queue."""

    def __init__(self, broker: dramatiq.Broker):
        self.broker = broker

    def collect(self) -> Iterator[Metric]:
        """Read each declared queue's lengths from the broker."""
        family = GaugeMetricFamily(
            "crossdock_queue_messages",
            "Messages in each broker queue: ready (waiting for a worker), delayed (retries "
            "and scheduled), dead (gave up).",
            labels=("queue", "state"),
        )
        try:
            for queue in sorted(canonical_queues(self.broker)):
                ready, delayed, dead = queue_lengths(self.broker, queue)
                family.add_metric((queue, "ready"), ready)
                family.add_metric((queue, "delayed"), delayed)
                family.add_metric((queue, "dead"), dead)
        except Exception:  # the broker being down is what the alert on `up`/readyz says
            log.warning("metrics: the broker's queues could not be read", exc_info=True)
            return
        yield family


def canonical_queues(broker: dramatiq.Broker) -> set[str]:
    """The declared queues, without their delay and dead-letter companions."""
    return {q for q in broker.get_declared_queues() if not q.endswith((".DQ", ".XQ"))}


def queue_lengths(broker: dramatiq.Broker, queue: str) -> tuple[int, int, int]:
    """(ready, delayed, dead) messages of `queue` on `broker`."""
    if isinstance(broker, RedisBroker):
        prefix = f"{broker.namespace}:"
        client = broker.client
        return (
            int(client.llen(prefix + queue)),
            int(client.llen(prefix + dq_name(queue))),
            int(client.zcard(prefix + xq_name(queue))),
        )
    if isinstance(broker, RabbitmqBroker):
        return broker.get_queue_message_counts(queue)
    if isinstance(broker, StubBroker):
        delayed = broker.queues.get(dq_name(queue))
        return (
            broker.queues[queue].qsize(),
            delayed.qsize() if delayed is not None else 0,
            len(broker.dead_letters_by_queue.get(queue, ())),
        )
    raise TypeError(f"no queue lengths for {type(broker).__name__}")


def _aware(moment: datetime) -> datetime:
    """`moment` with its UTC offset (SQLite may hand timestamps back without one)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
