"""The relay's side of the outbox: claim pending events across tenants, mark them published."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from domain.outbox.models import OutboxEvent
from persistence.base import utcnow

RELAY_TASK = "outbox_relay"
"""The system task whose row-level security policy sees every tenant's outbox."""


def claim_pending(session: Session, limit: int) -> list[OutboxEvent]:
    """Lock and return up to `limit` unpublished events, oldest first, of every tenant.

    The session must carry ``info["system_task"] = RELAY_TASK`` before its transaction
    starts. On PostgreSQL rows another relay holds are skipped (SKIP LOCKED), so several
    relays share the work; SQLite serializes writers anyway.
    """
    if session.info.get("system_task") != RELAY_TASK:
        raise RuntimeError(f"claim_pending needs session.info['system_task'] = {RELAY_TASK!r}")
    stmt = (
        select(OutboxEvent)
        .where(OutboxEvent.published_at.is_(None))
        .order_by(OutboxEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(stmt))


def mark_published(session: Session, ids: Sequence[uuid.UUID]) -> None:
    """Stamp the events as published, in the caller's transaction."""
    if not ids:
        return
    session.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id.in_(list(ids)))
        .values(published_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def pending_summary(session: Session) -> tuple[int, datetime | None]:
    """How many events wait for the relay, and when the oldest of them was recorded."""
    if session.info.get("system_task") != RELAY_TASK:
        raise RuntimeError(f"pending_summary needs session.info['system_task'] = {RELAY_TASK!r}")
    stmt = select(func.count(), func.min(OutboxEvent.created_at)).where(
        OutboxEvent.published_at.is_(None)
    )
    count, oldest = session.execute(stmt).one()
    return int(count), oldest


def oldest_unsettled(session: Session) -> datetime | None:
    """When the oldest published event the sweep has not settled was published (every tenant).

    Read through the partial index of unsettled events, which holds only those.
    """
    if session.info.get("system_task") != RELAY_TASK:
        raise RuntimeError(f"oldest_unsettled needs session.info['system_task'] = {RELAY_TASK!r}")
    stmt = select(func.min(OutboxEvent.published_at)).where(
        OutboxEvent.settled_at.is_(None), OutboxEvent.published_at.is_not(None)
    )
    return session.scalar(stmt)
