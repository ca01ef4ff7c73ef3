"""Outbox events: what happened, for whom, and whether the relay has published it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, new_id, utcnow


class OutboxEvent(Base):
    """One domain event. Ids are time-ordered, so id order is the order of events."""

    __tablename__ = "outbox_events"
    __table_args__ = (
        Index(
            "ix_outbox_events_pending",
            "id",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
        Index(
            "ix_outbox_events_unsettled",
            "provider_id",
            "published_at",
            postgresql_where=text("settled_at IS NULL AND published_at IS NOT NULL"),
            sqlite_where=text("settled_at IS NULL AND published_at IS NOT NULL"),
        ),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID | None]
    supplier_id: Mapped[uuid.UUID | None]
    """The supplier the event is about (its fulfillment order), for its endpoints and feeds."""
    topic: Mapped[str] = mapped_column(String(64))
    aggregate_type: Mapped[str] = mapped_column(String(32))
    aggregate_id: Mapped[uuid.UUID]
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    request_id: Mapped[str | None] = mapped_column(String(64))
    """The API request (or the message behind it) that caused the event, for the logs."""
    redeliveries: Mapped[int] = mapped_column(default=0, server_default="0")
    """How often the redelivery sweep re-published the event to a consumer that had not
    processed it."""
    redelivered_at: Mapped[datetime | None]
    settled_at: Mapped[datetime | None]
    """When the sweep found every consumer done (or gave up on one); the sweep skips it then."""


class ProcessedEvent(Base):
    """A consumer's mark that it processed an event, written in the transaction of its effect.

    A redelivered message finds the mark and does nothing; the redelivery sweep re-publishes
    what has no mark. The primary key makes a second mark a no-op, never a duplicate.
    """

    __tablename__ = "processed_events"

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    consumer: Mapped[str] = mapped_column(String(100), primary_key=True)
    """The consuming actor's name."""
    processed_at: Mapped[datetime] = mapped_column(default=utcnow)
