"""The redelivery sweep: what the broker lost is sent again, from the database's record.

Every minute the scheduler sends `sweep_outbox`, which asks each provider to re-publish
events a consumer has not marked processed a window after publication (same message ids),
and to dispatch packed fulfillment orders that no dispatch started.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime

import dramatiq

from domain.outbox.models import OutboxEvent
from persistence.base import utcnow
from services.redelivery import (
    SWEEP_BATCH,
    forget_old_marks,
    redeliver_unprocessed,
    stuck_packed,
)
from telemetry.metrics import instruments
from workers import queues
from workers.relay import event_message
from workers.routing import ROUTES, Route, matching_routes
from workers.runtime import redelivery_window, unit_of_work
from workers.scheduler import provider_ids

log = logging.getLogger("crossdock.workers.redelivery")

clock: Callable[[], datetime] = utcnow
"""The time the sweep measures its window from (tests move it)."""
BATCH = SWEEP_BATCH
MAX_BATCHES = 40
"""Batches one sweep of one provider reads at most (20,000 events); the rest next minute."""


@dramatiq.actor(queue_name=queues.DEFAULT, max_retries=3, min_backoff=10_000, time_limit=60_000)
def sweep_outbox() -> None:
    """Periodic: ask every provider to re-publish what its consumers did not process."""
    for provider_id in provider_ids():
        redeliver_provider_events.send(str(provider_id))


@dramatiq.actor(queue_name=queues.DEFAULT, max_retries=3, min_backoff=5_000, time_limit=10 * 60_000)
def redeliver_provider_events(provider_id: str) -> None:
    """Re-publish one provider's unprocessed events; dispatch its forgotten packed orders."""
    sweep_provider(provider_id, dramatiq.get_broker())


def sweep_provider(
    provider_id: str, broker: dramatiq.Broker, routes: Iterable[Route] = ROUTES
) -> None:
    """The sweep of one provider, sending through `broker` along `routes`."""
    routes = list(routes)
    by_consumer = {route.actor_name: route for route in routes}
    metrics = instruments()

    def consumers_of(topic: str) -> list[str]:
        return [route.actor_name for route in matching_routes(topic, routes)]

    def publish(event: OutboxEvent, consumer: str) -> None:
        send(broker, event_message(event, by_consumer[consumer]))

    now, window = clock(), redelivery_window()
    resent: Counter[str] = Counter()
    for _ in range(MAX_BATCHES):  # a busy provider settles more than one batch a minute
        result = redeliver_unprocessed(
            lambda: unit_of_work(provider_id),
            now,
            window,
            consumers_of,
            publish,
            batch=BATCH,
            resent_by=lambda consumer: by_consumer[consumer].resent_by,
        )
        resent += result.resent
        for consumer, count in result.resent.items():
            metrics.outbox_redelivered.labels(consumer).inc(count)
        if result.abandoned:
            metrics.outbox_redelivery_abandoned.inc(result.abandoned)
        if result.examined < BATCH:
            break
    forget_old_marks(lambda: unit_of_work(provider_id), now)
    stuck = stuck_packed(lambda: unit_of_work(provider_id), now, window)
    for fo_id in stuck:
        send(broker, redispatch_message(provider_id, fo_id))
    if stuck:
        metrics.fulfillment_redispatched.inc(len(stuck))
    if resent or stuck:
        log.warning(
            "redelivery sweep of provider %s: re-sent %s; %d packed orders re-dispatched",
            provider_id,
            dict(resent),
            len(stuck),
        )


def redispatch_message(provider_id: str, fo_id: uuid.UUID) -> dramatiq.Message:
    """The message that dispatches one packed fulfillment order (dispatch is idempotent)."""
    return dramatiq.Message(
        queue_name=queues.DISPATCH,
        actor_name="redispatch_fulfillment",
        args=(provider_id, str(fo_id)),
        kwargs={},
        options={},
    )


def send(broker: dramatiq.Broker, message: dramatiq.Message) -> None:
    """Enqueue `message`, declaring its queue on first use."""
    if message.queue_name not in broker.get_declared_queues():
        broker.declare_queue(message.queue_name)
    broker.enqueue(message)
