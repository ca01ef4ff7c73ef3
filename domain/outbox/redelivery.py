"""The sweep's side of the outbox: published events not yet settled, and their bookkeeping.

An event is settled once every consumer it routes to has marked it processed, or once the
sweep gave up re-publishing it. The partial index ``ix_outbox_events_unsettled`` holds only
unsettled published events, so a sweep reads what is still in flight, never the history.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_

from domain.outbox.models import OutboxEvent
from tenants.unit_of_work import TenantUnitOfWork


def unsettled_due(uow: TenantUnitOfWork, cutoff: datetime, limit: int) -> list[OutboxEvent]:
    """Published, unsettled events of the caller published (and last re-published) by `cutoff`,
    oldest first."""
    stmt = (
        uow.select(OutboxEvent)
        .where(
            OutboxEvent.published_at.is_not(None),
            OutboxEvent.settled_at.is_(None),
            OutboxEvent.published_at <= cutoff,
            or_(OutboxEvent.redelivered_at.is_(None), OutboxEvent.redelivered_at <= cutoff),
        )
        .order_by(OutboxEvent.published_at)
        .limit(limit)
    )
    return list(uow.scalars(stmt))


def settle(uow: TenantUnitOfWork, ids: Sequence[uuid.UUID], now: datetime) -> None:
    """Stamp events settled: the sweep reads them no more."""
    if ids:
        uow.execute(
            uow.update(OutboxEvent)
            .where(OutboxEvent.id.in_(list(ids)))
            .values(settled_at=now)
            .execution_options(synchronize_session=False)
        )


def note_redelivered(uow: TenantUnitOfWork, ids: Sequence[uuid.UUID], now: datetime) -> None:
    """Count one more re-publication of each event, and when it was."""
    if ids:
        uow.execute(
            uow.update(OutboxEvent)
            .where(OutboxEvent.id.in_(list(ids)))
            .values(redeliveries=OutboxEvent.redeliveries + 1, redelivered_at=now)
            .execution_options(synchronize_session=False)
        )


def rearm(uow: TenantUnitOfWork, ids: Sequence[uuid.UUID], now: datetime) -> None:
    """Give events back to the sweep as if just re-published: unsettled (one it gave up on
    too), a full count of re-publications again, the next a window after `now`."""
    for start in range(0, len(ids), 500):
        uow.execute(
            uow.update(OutboxEvent)
            .where(OutboxEvent.id.in_(list(ids[start : start + 500])))
            .values(settled_at=None, redeliveries=0, redelivered_at=now)
            .execution_options(synchronize_session=False)
        )


def published_since(
    uow: TenantUnitOfWork, since: datetime, after: uuid.UUID | None, limit: int
) -> list[OutboxEvent]:
    """The caller's published events recorded at or after `since`, in id order, past `after`."""
    stmt = uow.select(OutboxEvent).where(
        OutboxEvent.published_at.is_not(None), OutboxEvent.created_at >= since
    )
    if after is not None:
        stmt = stmt.where(OutboxEvent.id > after)
    return list(uow.scalars(stmt.order_by(OutboxEvent.id).limit(limit)))
