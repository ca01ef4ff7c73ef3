"""Webhook actors: fan an event out to endpoints, send what is due, retry on the schedule.

The database is the queue: a delivery is pending until sent, and its `next_attempt_at`
says when. A Dramatiq message only wakes a sender up; if one is lost, `retry_due_webhooks`
(run periodically) finds the delivery anyway. Every actor is idempotent.
"""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Callable
from datetime import datetime

import dramatiq

from domain.outbox.consumption import first_times
from domain.webhooks import delivery, queries
from domain.webhooks.models import DeliveryStatus, WebhookDelivery
from persistence.base import utcnow
from services import webhooks as webhook_sending
from telemetry.metrics import instruments
from workers import queues
from workers.consumption import consume_batch
from workers.consumption import event_ids as event_ids_of
from workers.routing import consumes
from workers.runtime import unit_of_work
from workers.scheduler import provider_ids

log = logging.getLogger("crossdock.workers.webhooks")

SWEEP_BATCH = 10
"""Deliveries one sweep sends before handing the rest to a fresh message."""
ACTOR_OPTIONS = {
    "queue_name": queues.WEBHOOKS,
    "max_retries": 3,
    "min_backoff": 5_000,
    "max_backoff": 60_000,
}
FAN_OUT_OPTIONS = {
    "queue_name": queues.WEBHOOKS,
    "max_retries": 14,
    "min_backoff": 1_000,
    "max_backoff": 600_000,
}
"""Fan-out creates the deliveries the sweep later retries; if it gave up the event's
webhooks would be lost, so it rides out about 1.5 hours of database trouble."""
TIME_LIMIT_MS = 10 * 60_000
DELIVERY_OUTCOMES = {
    DeliveryStatus.DELIVERED: "delivered",
    DeliveryStatus.PENDING: "retrying",
    DeliveryStatus.FAILED: "failed",
}
"""A delivery's status after an attempt, as the outcome label of the attempt."""

CONSUMER = "deliver_event_webhooks"
"""The fan-out's name on its processed-event marks (its actor's name, as the sweep reads it)."""

clock: Callable[[], datetime] = utcnow
"""The time actors schedule by (tests move it forward)."""


@consumes(batched=True)
@dramatiq.actor(time_limit=TIME_LIMIT_MS, **FAN_OUT_OPTIONS)
def deliver_event_webhooks(provider_id: str, event_ids: str | list[str]) -> None:
    """Create the deliveries of a batch of events (once, however often it runs) and send them.

    One transaction marks them all and creates their deliveries. An event heard the first
    time that no endpoint wants (most of them) ends there: before its mark it had no
    delivery, so there is nothing to send (the sweep sends any due one).
    """
    ids = event_ids_of(event_ids)
    for event_id in consume_batch(ids, lambda batch: _fan_out(provider_id, batch)):
        send_due(provider_id, event_id=event_id)


def _fan_out(provider_id: str, ids: list[uuid.UUID]) -> list[uuid.UUID]:
    # marks and deliveries of the events in one transaction; the events to send for
    with unit_of_work(provider_id) as uow:
        events = queries.events(uow, ids)
        for missing in sorted(set(ids) - {event.id for event in events}):
            log.warning("webhooks: no event %s of provider %s", missing, provider_id)
        fresh = first_times(uow, [event.id for event in events], CONSUMER)
        created = delivery.fan_out_events(uow, [e for e in events if e.id in fresh], clock())
        uow.commit()
    return [event.id for event in events if event.id not in fresh or event.id in created]


@dramatiq.actor(time_limit=TIME_LIMIT_MS, **ACTOR_OPTIONS)
def deliver_webhook(provider_id: str, delivery_id: str) -> None:
    """Send one delivery if it is due (a scheduled retry); woken early, sleep until it is."""
    if send_due(provider_id, delivery_id=uuid.UUID(delivery_id)):
        return
    with unit_of_work(provider_id) as uow:
        due = queries.next_attempt_at(uow, uuid.UUID(delivery_id))
    if due is not None and due > clock():  # a due one that was not claimable has no sender
        schedule(deliver_webhook, provider_id, delivery_id, delay_ms=_delay_ms(due))


@dramatiq.actor(time_limit=TIME_LIMIT_MS, **ACTOR_OPTIONS)
def retry_due_webhooks(provider_id: str) -> None:
    """Send a provider's due deliveries: redeliveries, and retries whose wake-up was lost."""
    if send_due(provider_id, limit=SWEEP_BATCH) == SWEEP_BATCH:
        schedule(retry_due_webhooks, provider_id, delay_ms=0)


@dramatiq.actor(time_limit=TIME_LIMIT_MS, **ACTOR_OPTIONS)
def sweep_webhooks() -> None:
    """Periodic: ask every provider to send its due deliveries."""
    for provider_id in provider_ids():
        retry_due_webhooks.send(str(provider_id))


def send_due(
    provider_id: str,
    *,
    event_id: uuid.UUID | None = None,
    delivery_id: uuid.UUID | None = None,
    limit: int | None = None,
) -> int:
    """Send the provider's due deliveries (of one event, or one delivery); wake each retry."""
    return webhook_sending.send_due(
        lambda: unit_of_work(provider_id),
        delivery.open_transport,
        clock,
        event_id=event_id,
        delivery_id=delivery_id,
        limit=limit,
        sent_one=lambda item: _wake_for_retry(provider_id, item),
    )


def schedule(actor: dramatiq.Actor, *args: str, delay_ms: int) -> None:
    """Enqueue `actor(*args)` after `delay_ms` (tests replace this to run time by hand)."""
    actor.send_with_options(args=args, delay=delay_ms)


def _wake_for_retry(provider_id: str, item: WebhookDelivery) -> None:
    instruments().webhook_deliveries.labels(DELIVERY_OUTCOMES[item.status]).inc()
    if item.status is not DeliveryStatus.PENDING or item.next_attempt_at is None:
        return
    schedule(deliver_webhook, provider_id, str(item.id), delay_ms=_delay_ms(item.next_attempt_at))


def _delay_ms(due: datetime) -> int:
    # rounded up: a wake-up a fraction early would find nothing due
    return max(0, math.ceil((due - clock()).total_seconds() * 1000))
