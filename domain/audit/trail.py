"""Appending to the audit trail: the actor, the mutation, its object, its input and outcome."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from domain.audit.models import ActorKind, AuditEvent, AuditOutcome
from domain.audit.redaction import redact
from persistence.base import new_id, utcnow
from persistence.new_rows import waiting
from tenants.scope import TenantScope


@dataclass(frozen=True)
class Actor:
    """Who made a change, as the trail names it."""

    kind: ActorKind
    name: str
    id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    supplier_id: uuid.UUID | None = None

    @classmethod
    def of(cls, scope: TenantScope) -> Actor:
        """The caller behind a scope: a signed-in person, its API key, or the operator."""
        if scope.user_id is not None:
            return cls(
                ActorKind.USER,
                scope.user_name or str(scope.user_id),
                scope.user_id,
                scope.client_id,
                scope.supplier_id,
            )
        if scope.key_id is None:
            return cls(ActorKind.OPERATOR, "operator")
        return cls(
            ActorKind.API_KEY,
            scope.key_prefix or str(scope.key_id),
            scope.key_id,
            scope.client_id,
            scope.supplier_id,
        )

    @classmethod
    def system(cls, task: str) -> Actor:
        """A named background task (dispatch, billing, retention)."""
        return cls(ActorKind.SYSTEM, task)


@dataclass(frozen=True)
class Change:
    """One mutation to record: its name, the object it touched, and its input as sent."""

    mutation: str
    input: Mapping[str, Any] = field(default_factory=dict)
    object_type: str | None = None
    object_id: uuid.UUID | None = None

    def about(self, object_type: str | None, object_id: uuid.UUID | None) -> Change:
        """The same change, naming the object it touched (when known)."""
        if object_type is None or object_id is None:
            return self
        return Change(self.mutation, self.input, object_type, object_id)


def record(
    session: Session,
    provider_id: uuid.UUID,
    actor: Actor,
    change: Change,
    error_codes: Sequence[str] = (),
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event in the session's transaction; with `error_codes` it is a refusal.

    The row goes in at once, as a plain INSERT after whatever the session still holds
    (the change it records), or with it when a step waits to go last (an order's
    reservation, persistence/new_rows.py); the event returned is not attached to the
    session: audit rows are append-only, never changed after.
    """
    values = {
        "provider_id": provider_id,
        "id": new_id(),
        "occurred_at": at or utcnow(),
        "actor_kind": actor.kind,
        "actor_id": actor.id,
        "actor_name": actor.name[:100],
        "client_id": actor.client_id,
        "supplier_id": actor.supplier_id,
        "mutation": change.mutation,
        "object_type": change.object_type,
        "object_id": change.object_id,
        "input": redact(dict(change.input)),
        "outcome": AuditOutcome.REFUSED if error_codes else AuditOutcome.OK,
        "error_codes": list(error_codes),
    }
    if waiting(session):  # the row joins the statement that goes last (an order's reservation)
        event = AuditEvent(**values)
        session.add(event)
        session.flush()
        return event
    session.flush()
    session.connection().execute(_INSERT, values)
    return AuditEvent(**values)


_INSERT = insert(AuditEvent.__table__)
"""One statement object for every audit row: its cache key is computed once."""
