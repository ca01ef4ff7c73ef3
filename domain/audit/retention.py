"""How long the audit trail is kept, and pruning what is older."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from domain.audit.models import AuditEvent
from domain.audit.trail import Actor, Change, record
from domain.errors import DomainError, DomainErrorCode
from persistence.unit_of_work import UnitOfWork

MIN_RETENTION = timedelta(days=7)
"""Nothing younger is ever pruned; PostgreSQL's prune function enforces the same floor, so
even the application role cannot erase the recent trail."""
PRUNE_TASK = "audit_retention"
"""The system task that prunes; its own run is recorded in the trail."""


def check_retention(retention: timedelta) -> timedelta:
    """`retention` if it keeps at least `MIN_RETENTION`; otherwise a refusal."""
    if retention < MIN_RETENTION:
        raise DomainError(
            DomainErrorCode.INVALID,
            f"Audit events are kept at least {MIN_RETENTION.days} days.",
            "retention",
        )
    return retention


def prune(session: Session, provider_id: uuid.UUID, retention: timedelta, now: datetime) -> int:
    """Delete one provider's events older than `retention`, recording the prune; the count."""
    cutoff = now - check_retention(retention)
    if session.get_bind().dialect.name == "postgresql":
        # The application role has no DELETE on the table; the function (owned by the
        # schema owner) deletes only this provider's rows past the floor.
        deleted = int(
            session.scalar(text("SELECT prune_audit_events(:cutoff)"), {"cutoff": cutoff})
        )
    else:
        result = session.execute(
            delete(AuditEvent).where(
                AuditEvent.provider_id == provider_id, AuditEvent.occurred_at < cutoff
            )
        )
        deleted = result.rowcount
    if deleted:
        change = Change("pruneAuditEvents", {"before": cutoff.isoformat(), "deleted": deleted})
        record(session, provider_id, Actor.system(PRUNE_TASK), change)
    return deleted


def prune_all(
    unit_of_work: Callable[[uuid.UUID], UnitOfWork],
    providers: Iterable[uuid.UUID],
    retention: timedelta,
    now: datetime,
) -> int:
    """Prune every provider in its own transaction; how many events were deleted in all."""
    check_retention(retention)
    total = 0
    for provider_id in providers:
        with unit_of_work(provider_id) as uow:
            total += prune(uow.session, provider_id, retention, now)
            uow.commit()
    return total
