"""Audit events: one append-only row per mutation, in the transaction of the change."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, enum_column, new_id, utcnow

NAME_MAX = 100


class ActorKind(StrEnum):
    """Who made a change: an API key, a signed-in person, the operator's CLI, or a system task."""

    API_KEY = "api_key"
    USER = "user"
    OPERATOR = "operator"
    SYSTEM = "system"


class AuditOutcome(StrEnum):
    """How a mutation ended: made, or refused with user errors (and nothing else written)."""

    OK = "ok"
    REFUSED = "refused"


class AuditEvent(Base):
    """One mutation; the application role may insert and read these rows, never change them."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_time", "provider_id", "occurred_at", "id"),
        Index("ix_audit_events_client", "provider_id", "client_id", "occurred_at"),
        Index("ix_audit_events_object", "provider_id", "object_type", "object_id"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind))
    actor_id: Mapped[uuid.UUID | None]
    """The API key's or the person's id; None for the operator and system tasks."""
    actor_name: Mapped[str] = mapped_column(String(NAME_MAX))
    """The key's public prefix, the person's name, ``operator``, or the system task's name."""
    client_id: Mapped[uuid.UUID | None]
    """The acting client key's client: a client sees the events it caused, and only those."""
    supplier_id: Mapped[uuid.UUID | None]
    """The acting supplier key's supplier."""
    mutation: Mapped[str] = mapped_column(String(NAME_MAX))
    object_type: Mapped[str | None] = mapped_column(String(NAME_MAX))
    object_id: Mapped[uuid.UUID | None]
    input: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The arguments as sent, secrets replaced by a marker."""
    outcome: Mapped[AuditOutcome] = mapped_column(enum_column(AuditOutcome))
    error_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
