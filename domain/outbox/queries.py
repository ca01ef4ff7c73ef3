"""Reading the outbox as a tenant sees it: the feed behind subscriptions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import or_

from domain.outbox.models import OutboxEvent
from tenants.unit_of_work import TenantUnitOfWork


def events_after(
    uow: TenantUnitOfWork,
    prefixes: Sequence[str],
    after: uuid.UUID,
    limit: int,
) -> list[OutboxEvent]:
    """The caller's events with an id above `after` whose topic starts with one of `prefixes`."""
    stmt = (
        uow.select(OutboxEvent)
        .where(OutboxEvent.id > after)
        .where(or_(*(OutboxEvent.topic.startswith(prefix, autoescape=True) for prefix in prefixes)))
        .order_by(OutboxEvent.id)
        .limit(limit)
    )
    return list(uow.scalars(stmt))


def id_floor(millis: int) -> uuid.UUID:
    """The smallest event id that can have been made at `millis` (ids are UUIDv7)."""
    return uuid.UUID(bytes=max(millis, 0).to_bytes(6, "big") + bytes(10))
