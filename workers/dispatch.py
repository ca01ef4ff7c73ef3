"""Dispatch actors: ship packed fulfillment orders, and pack them first for automatic clients."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import dramatiq
from dramatiq.common import compute_backoff
from dramatiq.middleware import CurrentMessage

from domain.outbox.consumption import first_time
from domain.outbox.events import Topic
from domain.shipping.carriers.base import TransientCarrierError
from domain.shipping.triggers import pack_automatically
from services.dispatch import dispatch, dispatch_event, give_up_event
from telemetry.metrics import instruments
from workers import queues
from workers.consumption import mark_processed
from workers.routing import consumes
from workers.runtime import unit_of_work

log = logging.getLogger("crossdock.workers.dispatch")

MAX_RETRIES = 6
MIN_BACKOFF_MS = 1_000
MAX_BACKOFF_MS = 120_000
TIME_LIMIT_MS = 120_000
"""Rate shopping and a purchase: each carrier call is bounded by the adapter's own timeouts."""


@consumes(Topic.FULFILLMENT_PACKED, Topic.ORDER_RELEASED)
@dramatiq.actor(
    queue_name=queues.DISPATCH,
    max_retries=MAX_RETRIES,
    min_backoff=MIN_BACKOFF_MS,
    max_backoff=MAX_BACKOFF_MS,
    time_limit=TIME_LIMIT_MS,
    on_retry_exhausted="dispatch_gave_up",
)
def dispatch_fulfillment(provider_id: str, event_id: str) -> None:
    """Buy the label of each fulfillment order the event names; redelivery ships nothing twice."""
    retries = retries_so_far()
    outcomes = instruments().dispatch_outcomes
    try:
        dispatched = dispatch_event(
            lambda: unit_of_work(provider_id),
            uuid.UUID(event_id),
            last_try=retries >= MAX_RETRIES,
            consumer="dispatch_fulfillment",
        )
    except TransientCarrierError as error:
        outcomes.labels("retry").inc()
        log.info("dispatch of event %s failed for now (%s); retrying", event_id, error.message)
        raise dramatiq.Retry(str(error), delay=retry_delay_ms(error, retries)) from error
    for outcome in dispatched.values():
        outcomes.labels(outcome.value).inc()


@dramatiq.actor(
    queue_name=queues.DISPATCH,
    max_retries=10,
    min_backoff=5_000,
    max_backoff=600_000,
    time_limit=60_000,
)
def dispatch_gave_up(message: dict[str, Any], retry_info: dict[str, Any]) -> None:
    """The last retry of a dispatch failed: put its still-packed orders where people see them."""
    provider_id, event_id = message["args"]
    tries = int(retry_info.get("retries", MAX_RETRIES)) + 1
    outcomes = give_up_event(lambda: unit_of_work(provider_id), uuid.UUID(event_id), tries)
    for fo_id, outcome in outcomes.items():
        instruments().dispatch_outcomes.labels("gave_up").inc()
        log.error("dispatch of %s gave up after %d tries: %s", fo_id, tries, outcome.value)
    mark_processed(provider_id, event_id, "dispatch_fulfillment")


@dramatiq.actor(
    queue_name=queues.DISPATCH,
    max_retries=MAX_RETRIES,
    min_backoff=MIN_BACKOFF_MS,
    max_backoff=MAX_BACKOFF_MS,
    time_limit=TIME_LIMIT_MS,
)
def redispatch_fulfillment(provider_id: str, fulfillment_order_id: str) -> None:
    """The sweep found a packed fulfillment order no dispatch started: dispatch it now."""
    try:
        outcome = dispatch(lambda: unit_of_work(provider_id), uuid.UUID(fulfillment_order_id))
    except TransientCarrierError as error:
        instruments().dispatch_outcomes.labels("retry").inc()
        raise dramatiq.Retry(str(error), delay=retry_delay_ms(error, retries_so_far())) from error
    instruments().dispatch_outcomes.labels(outcome.value).inc()


@consumes(Topic.ORDER_ALLOCATED)
@dramatiq.actor(
    queue_name=queues.DISPATCH,
    max_retries=3,
    min_backoff=MIN_BACKOFF_MS,
    max_backoff=60_000,
    time_limit=60_000,
)
def pack_for_automatic_dispatch(provider_id: str, event_id: str) -> None:
    """Pick and pack an allocated order at once when its client dispatches automatically."""
    with unit_of_work(provider_id) as uow:
        packed = []
        if first_time(uow, uuid.UUID(event_id), "pack_for_automatic_dispatch"):
            packed = pack_automatically(uow, uuid.UUID(event_id))
        uow.commit()
    if packed:
        log.info("packed %d fulfillment orders for automatic dispatch", len(packed))


def retries_so_far() -> int:
    """How often the current message was retried (0 outside a worker)."""
    message = CurrentMessage.get_current_message()
    return int(message.options.get("retries", 0)) if message is not None else 0


def retry_delay_ms(error: TransientCarrierError, retries: int) -> int:
    """The carrier's Retry-After when it gave one, else exponential backoff; capped."""
    if error.retry_after is not None:
        return min(int(error.retry_after * 1000), MAX_BACKOFF_MS)
    _, delay = compute_backoff(retries, factor=MIN_BACKOFF_MS, max_backoff=MAX_BACKOFF_MS)
    return int(delay)
