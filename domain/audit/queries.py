"""Reading the audit trail: the caller's events, filtered."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select

from domain.audit.models import ActorKind, AuditEvent, AuditOutcome
from tenants.scope import TenantScope


@dataclass(frozen=True)
class AuditFilter:
    """Which events to list; None leaves a criterion out."""

    actor_kinds: tuple[ActorKind, ...] | None = None
    actor_id: uuid.UUID | None = None
    actor_name: str | None = None
    mutations: tuple[str, ...] | None = None
    object_type: str | None = None
    object_id: uuid.UUID | None = None
    outcomes: tuple[AuditOutcome, ...] | None = None
    occurred_after: datetime | None = None
    occurred_before: datetime | None = None


def events_matching(scope: TenantScope, where: AuditFilter) -> Select[Any]:
    """The caller's events (a client key: those its client caused) matching `where`."""
    stmt = scope.select(AuditEvent)
    if where.actor_kinds:
        stmt = stmt.where(AuditEvent.actor_kind.in_(where.actor_kinds))
    if where.actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == where.actor_id)
    if where.actor_name is not None:
        stmt = stmt.where(AuditEvent.actor_name == where.actor_name)
    if where.mutations:
        stmt = stmt.where(AuditEvent.mutation.in_(where.mutations))
    if where.object_type is not None:
        stmt = stmt.where(AuditEvent.object_type == where.object_type)
    if where.object_id is not None:
        stmt = stmt.where(AuditEvent.object_id == where.object_id)
    if where.outcomes:
        stmt = stmt.where(AuditEvent.outcome.in_(where.outcomes))
    if where.occurred_after is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= where.occurred_after)
    if where.occurred_before is not None:
        stmt = stmt.where(AuditEvent.occurred_at < where.occurred_before)
    return stmt
