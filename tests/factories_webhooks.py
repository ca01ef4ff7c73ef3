"""Small factories for webhook tests: endpoints, outbox events, reading deliveries back."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from domain.outbox.events import Topic, record
from domain.webhooks.endpoints import create_endpoint
from domain.webhooks.models import WebhookAttempt, WebhookDelivery
from tenants.unit_of_work import TenantUnitOfWork
from tests.conftest import TestDatabase
from tests.factories import TenantHandle


def make_endpoint(
    db: TestDatabase,
    tenant: TenantHandle,
    url: str,
    topics: tuple[Topic, ...] = (Topic.ORDER_CREATED,),
    client: str | None = None,
    enabled: bool = True,
) -> tuple[uuid.UUID, str]:
    """An endpoint (the provider's, or `client`'s), committed: its id and secret.

    Private URLs are allowed: the test receivers listen on loopback.
    """
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        created = create_endpoint(
            uow,
            url=url,
            topics=[topic.value for topic in topics],
            client_id=tenant.clients[client].id if client else None,
            enabled=enabled,
            allow_private_urls=True,
        )
        uow.commit()
    return created.endpoint.id, created.secret


def make_event(
    db: TestDatabase,
    tenant: TenantHandle,
    topic: Topic = Topic.ORDER_CREATED,
    client: str | None = "A",
    payload: dict[str, Any] | None = None,
) -> uuid.UUID:
    """An outbox event about `client` (None: the provider's own), committed."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        event = record(
            uow,
            topic,
            aggregate_type="order",
            aggregate_id=uuid.uuid4(),
            client_id=tenant.clients[client].id if client else None,
            payload=payload or {"reference": "PO-1"},
        )
        uow.commit()
    return event.id


def deliveries_of(db: TestDatabase, tenant: TenantHandle) -> list[WebhookDelivery]:
    """Every delivery of the tenant, oldest first."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        stmt = tenant.scope.select(WebhookDelivery).order_by(WebhookDelivery.id)
        rows = list(uow.session.scalars(stmt))
        uow.session.expunge_all()  # readable after the unit of work rolls back
    return rows


def attempts_of(db: TestDatabase, tenant: TenantHandle, delivery_id: uuid.UUID) -> list[Any]:
    """A delivery's attempts, oldest first."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        stmt = (
            select(WebhookAttempt)
            .where(
                WebhookAttempt.provider_id == tenant.provider_id,
                WebhookAttempt.delivery_id == delivery_id,
            )
            .order_by(WebhookAttempt.attempted_at)
        )
        rows = list(uow.session.scalars(stmt))
        uow.session.expunge_all()
    return rows
