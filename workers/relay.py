"""The outbox relay: publish pending events to their consumer actors, at least once, never lost."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable, Sequence

import dramatiq
from sqlalchemy.orm import Session, sessionmaker

from domain.outbox.models import OutboxEvent
from domain.outbox.relay import RELAY_TASK, claim_pending, mark_published
from persistence.unit_of_work import UnitOfWork
from telemetry.metrics import instruments
from workers.routing import ROUTES, Route, matching_routes

log = logging.getLogger("crossdock.relay")

MESSAGE_NAMESPACE = uuid.UUID("6f1c2a52-6d0b-5b52-9a55-2f1f6c0e0b7d")
"""Namespace of message ids: the same event and actor always give the same message id."""


def message_id(event_id: uuid.UUID, actor_name: str) -> str:
    """The deterministic id of the message carrying `event_id` to `actor_name`."""
    return str(uuid.uuid5(MESSAGE_NAMESPACE, f"{event_id}:{actor_name}"))


MAX_BATCHED_EVENTS = 100
"""Event ids one message to a batched consumer carries at most (one transaction's worth)."""


def event_message(event: OutboxEvent, route: Route) -> dramatiq.Message:
    """The message that hands one event to one consumer actor: ``(provider_id, event_id)``
    (``(provider_id, [event_id])`` for a batched route), with the id of the request that
    caused the event (the actor logs under it)."""
    if route.batched:
        return batch_message([event], route)
    return dramatiq.Message(
        queue_name=route.queue_name,
        actor_name=route.actor_name,
        args=(str(event.provider_id), str(event.id)),
        kwargs={},
        options={"request_id": event.request_id} if event.request_id else {},
        message_id=message_id(event.id, route.actor_name),
    )


def batch_message(events: Sequence[OutboxEvent], route: Route) -> dramatiq.Message:
    """One message handing several events of one provider to a batched consumer:
    ``(provider_id, [event_id, ...])``; its id is derived from the ids (one event's is that
    event's message id), and it carries a request id only when all the events share it."""
    ids = [str(event.id) for event in events]
    request_ids = {event.request_id for event in events}
    request_id = request_ids.pop() if len(request_ids) == 1 else None
    return dramatiq.Message(
        queue_name=route.queue_name,
        actor_name=route.actor_name,
        args=(str(events[0].provider_id), ids),
        kwargs={},
        options={"request_id": request_id} if request_id else {},
        message_id=str(uuid.uuid5(MESSAGE_NAMESPACE, f"{','.join(ids)}:{route.actor_name}")),
    )


def event_messages(
    events: Sequence[OutboxEvent], routes: Iterable[Route]
) -> list[dramatiq.Message]:
    """The messages handing `events` to their consumers: one per event and route, except
    that a batched route gets one per provider (at most MAX_BATCHED_EVENTS ids each), after
    the others, so that a label is not queued behind a batch."""
    routes = list(routes)
    single: list[dramatiq.Message] = []
    batches: dict[tuple[Route, uuid.UUID], list[OutboxEvent]] = {}
    for event in events:
        for route in matching_routes(event.topic, routes):
            if route.batched:
                batches.setdefault((route, event.provider_id), []).append(event)
            else:
                single.append(event_message(event, route))
    for (route, _), batch in batches.items():
        for start in range(0, len(batch), MAX_BATCHED_EVENTS):
            single.append(batch_message(batch[start : start + MAX_BATCHED_EVENTS], route))
    return single


class RelayMisconfigured(RuntimeError):
    """The relay would mark events published without sending them to their consumers."""


def check_routes(broker: dramatiq.Broker, routes: Iterable[Route] = ROUTES) -> None:
    """Refuse to relay before any actor module is imported, or to an actor the broker lacks.

    A route exists only once its actor's module is imported, and an event with no route is
    marked published all the same: a relay started without the actors would drop events.
    """
    routes = list(routes)
    if not routes:
        raise RelayMisconfigured(
            "no consumer routes: install the broker (import the actor modules) before relaying"
        )
    missing = sorted({r.actor_name for r in routes} - set(broker.get_declared_actors()))
    if missing:
        raise RelayMisconfigured(f"routes to actors the broker does not declare: {missing}")


def publish_pending(
    session_factory: sessionmaker[Session],
    broker: dramatiq.Broker,
    batch: int = 100,
    routes: Iterable[Route] = ROUTES,
) -> int:
    """Publish one batch of pending events and mark them published; how many were.

    Sends happen inside the claiming transaction: if one raises, nothing is marked and
    the whole batch is retried later (messages already sent go again with the same ids).
    """
    routes = list(routes)
    with UnitOfWork(session_factory, system_task=RELAY_TASK) as unit:
        session = unit.session
        events = claim_pending(session, batch)
        for message in event_messages(events, routes):
            if message.queue_name not in broker.get_declared_queues():
                broker.declare_queue(message.queue_name)
            broker.enqueue(message)
        mark_published(session, [event.id for event in events])
        unit.commit()
    if events:
        instruments().outbox_published.labels("outbox").inc(len(events))
    return len(events)


def run_relay(
    stop: threading.Event,
    session_factory: sessionmaker[Session],
    broker: dramatiq.Broker,
    *,
    interval: float = 0.5,
    max_backoff: float = 30.0,
    batch: int = 100,
    routes: Iterable[Route] = ROUTES,
) -> None:
    """Publish until `stop` is set, backing off exponentially while the broker or database fails.

    Full batches are drained at once; otherwise it polls every `interval` seconds.
    """
    failures = 0
    while not stop.is_set():
        try:
            published = publish_pending(session_factory, broker, batch, routes)
        except Exception:  # the relay outlives any outage; the events stay pending
            failures += 1
            delay = min(interval * 2 ** min(failures, 20), max_backoff)
            log.warning(
                "outbox relay failed (attempt %d); retrying in %.1fs",
                failures,
                delay,
                exc_info=True,
            )
            stop.wait(delay)
            continue
        if failures:
            log.info("outbox relay recovered after %d failed attempts", failures)
            failures = 0
        if published < batch:
            stop.wait(interval)
