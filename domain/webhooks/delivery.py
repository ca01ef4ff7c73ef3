"""Delivering events to endpoints: fan-out, claiming due deliveries, sending, retry schedule."""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from domain.outbox.models import OutboxEvent
from domain.webhooks import signing
from domain.webhooks.models import (
    ERROR_MAX,
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from persistence.base import new_id, utcnow
from tenants.unit_of_work import TenantUnitOfWork

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=4)
JITTER = 0.2
"""Each delay is shortened by up to this fraction, so failed receivers are not hit in lockstep."""
LEASE = timedelta(seconds=30)
"""How long a claimed delivery is reserved for its sender: renewed every third of it while
the request is out (services.webhooks), so a live sender keeps it and a crashed one's
delivery is due again within this long."""
TIMEOUT = 10.0
USER_AGENT = "Crossdock-Webhooks/1"


@dataclass(frozen=True)
class AttemptOutcome:
    """What one HTTP request to an endpoint came to."""

    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        """Whether the endpoint accepted the message (any 2xx)."""
        return self.status_code is not None and 200 <= self.status_code < 300


def fan_out(
    uow: TenantUnitOfWork, event: OutboxEvent, now: datetime | None = None
) -> list[WebhookDelivery]:
    """Create the deliveries of `event` for matching enabled endpoints; only the new ones return.

    Insert-if-absent on (endpoint, event): processing an event again creates nothing. New
    deliveries are due at `now` (the sender's clock, so that skew cannot make them wait).
    """
    return fan_out_events(uow, [event], now).get(event.id, [])


def fan_out_events(
    uow: TenantUnitOfWork, events: Sequence[OutboxEvent], now: datetime | None = None
) -> dict[uuid.UUID, list[WebhookDelivery]]:
    """`fan_out` for several events of the caller's provider: the new deliveries by event
    (events that got none are left out). The enabled endpoints are read once for them all."""
    if not events:
        return {}
    due = now or utcnow()
    endpoints = list(
        uow.scalars(
            uow.select(WebhookEndpoint)
            .where(WebhookEndpoint.enabled.is_(True))
            .order_by(WebhookEndpoint.id)
        )
    )
    created = {
        event.id: [
            delivery_id
            for endpoint in endpoints
            if _hears(endpoint, event)
            and (delivery_id := _insert_delivery(uow.session, endpoint, event, due)) is not None
        ]
        for event in events
    }
    every = [delivery_id for ids in created.values() for delivery_id in ids]
    if not every:
        return {}
    stmt = uow.select(WebhookDelivery).where(WebhookDelivery.id.in_(every))
    rows = {row.id: row for row in uow.scalars(stmt.order_by(WebhookDelivery.id))}
    return {event_id: [rows[i] for i in sorted(ids)] for event_id, ids in created.items() if ids}


def _hears(endpoint: WebhookEndpoint, event: OutboxEvent) -> bool:
    # the provider's own endpoints hear everything; a client's or a supplier's only its own
    if event.topic not in endpoint.topics:
        return False
    if endpoint.client_id is None and endpoint.supplier_id is None:
        return True
    return (endpoint.client_id is not None and endpoint.client_id == event.client_id) or (
        endpoint.supplier_id is not None and endpoint.supplier_id == event.supplier_id
    )


def claim_due(
    uow: TenantUnitOfWork,
    now: datetime,
    *,
    event_id: uuid.UUID | None = None,
    delivery_id: uuid.UUID | None = None,
    limit: int = 50,
    lease: timedelta = LEASE,
) -> list[tuple[WebhookDelivery, WebhookEndpoint]]:
    """Reserve due pending deliveries of enabled endpoints for one sender, with their endpoints.

    A conditional update moves each claimed delivery's next attempt a `lease` ahead, so that
    concurrent workers never send the same delivery at once; a crash retries after the lease.
    """
    stmt = (
        uow.select(WebhookDelivery)
        .join(
            WebhookEndpoint,
            (WebhookEndpoint.provider_id == WebhookDelivery.provider_id)
            & (WebhookEndpoint.id == WebhookDelivery.endpoint_id),
        )
        .where(
            WebhookEndpoint.enabled.is_(True),
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
        )
    )
    if event_id is not None:
        stmt = stmt.where(WebhookDelivery.event_id == event_id)
    if delivery_id is not None:
        stmt = stmt.where(WebhookDelivery.id == delivery_id)
    candidates = uow.scalars(
        stmt.order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(limit)
    ).all()
    claimed = [delivery for delivery in candidates if _lease(uow, delivery, now + lease)]
    if not claimed:
        return []
    endpoint_ids = {delivery.endpoint_id for delivery in claimed}
    endpoints = {
        endpoint.id: endpoint
        for endpoint in uow.scalars(
            uow.select(WebhookEndpoint).where(WebhookEndpoint.id.in_(endpoint_ids))
        )
    }
    return [(delivery, endpoints[delivery.endpoint_id]) for delivery in claimed]


def renew_lease(
    uow: TenantUnitOfWork, delivery_id: uuid.UUID, held_until: datetime, until: datetime
) -> bool:
    """Extend a lease this sender still holds (its end is `held_until`) to `until`; whether it
    did. A lease that ran out and was claimed by another sender is not taken back."""
    result = uow.execute(
        uow.update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at == held_until,
        )
        .values(next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


class WebhookTransport(Protocol):
    """How a signed delivery reaches its endpoint (`adapters.webhooks` posts it over HTTP)."""

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str | None]:
        """Send `body`; the receiver's status code (None if unreached) and what went wrong."""
        ...

    def __enter__(self) -> WebhookTransport: ...

    def __exit__(self, *exc: object) -> None: ...


_open_transport: Callable[[], WebhookTransport] | None = None


def install_transport(open_transport: Callable[[], WebhookTransport]) -> None:
    """Send deliveries through transports `open_transport` makes (the composition root's call)."""
    global _open_transport
    _open_transport = open_transport


def open_transport() -> WebhookTransport:
    """A transport for a run of sends, from the installed adapter."""
    if _open_transport is None:
        raise RuntimeError("no webhook transport installed (crossdock.adapters.install_adapters)")
    return _open_transport()


def attempt(
    uow: TenantUnitOfWork,
    delivery: WebhookDelivery,
    endpoint: WebhookEndpoint,
    transport: WebhookTransport,
    now: datetime,
    rng: random.Random | None = None,
) -> WebhookAttempt:
    """POST the delivery to its endpoint, log the attempt, and mark it delivered or reschedule.

    The request is made before the session touches the database, so no transaction is held
    open while a slow receiver answers (on SQLite that would block every writer).
    """
    outcome = send(delivery, endpoint, transport)
    return record(uow, delivery, outcome, now, rng)


def send(
    delivery: WebhookDelivery, endpoint: WebhookEndpoint, transport: WebhookTransport
) -> AttemptOutcome:
    """One signed POST of the delivery's message; never raises for the receiver's failures."""
    body = message_body(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        **signing.signed_headers(endpoint.secret, delivery.message_id, int(time.time()), body),
    }
    started = time.perf_counter()
    status_code, error = transport.post(endpoint.url, body, headers)
    duration_ms = round((time.perf_counter() - started) * 1000)
    return AttemptOutcome(status_code, error[:ERROR_MAX] if error else None, duration_ms)


def record(
    uow: TenantUnitOfWork,
    delivery: WebhookDelivery,
    outcome: AttemptOutcome,
    now: datetime,
    rng: random.Random | None = None,
) -> WebhookAttempt:
    """Log an attempt and move the delivery on: delivered, retried later, or failed for good."""
    delivery.attempt_count += 1
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error
    if outcome.succeeded:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempt_count >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempt_count, rng)
    logged = WebhookAttempt(
        provider_id=delivery.provider_id,
        id=new_id(),
        delivery_id=delivery.id,
        client_id=delivery.client_id,
        supplier_id=delivery.supplier_id,
        attempted_at=now,
        status_code=outcome.status_code,
        error=outcome.error,
        duration_ms=outcome.duration_ms,
    )
    uow.add(logged)
    uow.flush()
    return logged


def backoff(attempts_made: int, rng: random.Random | None = None) -> timedelta:
    """The wait after the `attempts_made`-th failure: 30 s doubling, capped, jittered down."""
    exponent = min(max(attempts_made - 1, 0), 30)
    delay = min(BASE_DELAY * 2**exponent, MAX_DELAY)
    return delay * (1 - JITTER * (rng or random).random())


def redeliver(
    uow: TenantUnitOfWork, delivery_id: uuid.UUID, now: datetime | None = None
) -> WebhookDelivery:
    """Make a delivery pending and due now, with a fresh retry budget and the same message id."""
    delivery = uow.get_or_not_found(
        WebhookDelivery, delivery_id, "webhook delivery", "id", lock=True
    )
    delivery.status = DeliveryStatus.PENDING
    delivery.attempt_count = 0
    delivery.next_attempt_at = now or utcnow()
    delivery.delivered_at = None
    uow.flush()
    return delivery


def message_body(delivery: WebhookDelivery) -> bytes:
    """The JSON a receiver gets: id (to deduplicate on), topic, occurredAt, data."""
    message = {
        "id": delivery.message_id,
        "topic": delivery.topic,
        "occurredAt": delivery.occurred_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(message, separators=(",", ":"), default=str).encode()


def _insert_delivery(
    session: Session, endpoint: WebhookEndpoint, event: OutboxEvent, due: datetime
) -> uuid.UUID | None:
    delivery_id = new_id()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(WebhookDelivery)
        .values(
            provider_id=endpoint.provider_id,
            id=delivery_id,
            endpoint_id=endpoint.id,
            client_id=endpoint.client_id,
            supplier_id=endpoint.supplier_id,
            event_id=event.id,
            message_id=f"msg_{delivery_id.hex}",
            topic=event.topic,
            payload=event.payload,
            occurred_at=event.created_at,
            status=DeliveryStatus.PENDING,
            attempt_count=0,
            next_attempt_at=due,
        )
        .on_conflict_do_nothing(index_elements=["provider_id", "endpoint_id", "event_id"])
        .returning(WebhookDelivery.id)
    )
    return session.execute(stmt).scalar_one_or_none()  # no row: it existed already


def _lease(uow: TenantUnitOfWork, delivery: WebhookDelivery, until: datetime) -> bool:
    result = uow.execute(
        uow.update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery.id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at == delivery.next_attempt_at,
        )
        .values(next_attempt_at=until)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount == 1
