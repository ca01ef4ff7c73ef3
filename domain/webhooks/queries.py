"""Reading endpoints, deliveries and attempts, always through the caller's scope."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select

from domain.outbox.models import OutboxEvent
from domain.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork


def endpoints(
    scope: TenantScope, *, client_id: uuid.UUID | None = None, enabled: bool | None = None
) -> Select[Any]:
    """The caller's endpoints, optionally of one client or only enabled (or disabled) ones."""
    stmt = scope.select(WebhookEndpoint)
    if client_id is not None:
        stmt = stmt.where(WebhookEndpoint.client_id == client_id)
    if enabled is not None:
        stmt = stmt.where(WebhookEndpoint.enabled.is_(enabled))
    return stmt


def deliveries(
    scope: TenantScope,
    *,
    endpoint_id: uuid.UUID | None = None,
    statuses: Collection[DeliveryStatus] | None = None,
    topics: Collection[str] | None = None,
) -> Select[Any]:
    """The caller's deliveries, filtered; the caller pages and orders them."""
    stmt = scope.select(WebhookDelivery)
    if endpoint_id is not None:
        stmt = stmt.where(WebhookDelivery.endpoint_id == endpoint_id)
    if statuses:
        stmt = stmt.where(WebhookDelivery.status.in_(statuses))
    if topics:
        stmt = stmt.where(WebhookDelivery.topic.in_(topics))
    return stmt


def attempts_by_delivery(
    uow: TenantUnitOfWork, delivery_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[WebhookAttempt]]:
    """Each delivery's attempts, oldest first, in one statement."""
    rows = uow.scalars(
        uow.select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_(delivery_ids))
        .order_by(WebhookAttempt.attempted_at, WebhookAttempt.id)
    )
    grouped: dict[uuid.UUID, list[WebhookAttempt]] = {}
    for row in rows:
        grouped.setdefault(row.delivery_id, []).append(row)
    return grouped


def next_attempt_at(uow: TenantUnitOfWork, delivery_id: uuid.UUID) -> datetime | None:
    """When a pending delivery is next due; None once it is delivered, failed or gone."""
    return uow.scalar(
        uow.select(WebhookDelivery, WebhookDelivery.next_attempt_at).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.status == DeliveryStatus.PENDING
        )
    )


def event(uow: TenantUnitOfWork, event_id: uuid.UUID) -> OutboxEvent | None:
    """One outbox event of the caller's provider, or None."""
    return uow.scalar(uow.select(OutboxEvent).where(OutboxEvent.id == event_id))


def events(uow: TenantUnitOfWork, event_ids: Collection[uuid.UUID]) -> list[OutboxEvent]:
    """The caller's provider's outbox events among `event_ids`, oldest first."""
    if not event_ids:
        return []
    stmt = uow.select(OutboxEvent).where(OutboxEvent.id.in_(list(event_ids)))
    return list(uow.scalars(stmt.order_by(OutboxEvent.id)))
