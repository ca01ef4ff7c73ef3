"""Webhook endpoints, one delivery per endpoint and event, and the log of every attempt."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, ForeignKeyConstraint, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, Timestamped, enum_column, new_id, utcnow
from persistence.sealed import Sealed
from tenants.models import client_fk

URL_MAX = 2048
ERROR_MAX = 500


class DeliveryStatus(StrEnum):
    """Where a delivery stands: still to send, received by the endpoint, or given up."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class WebhookEndpoint(Timestamped, Base):
    """A receiver URL: a provider's gets all the provider's events, a client's or a supplier's
    only its own."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (
        client_fk(),
        ForeignKeyConstraint(
            ["provider_id", "supplier_id"], ["suppliers.provider_id", "suppliers.id"]
        ),
        Index("ix_webhook_endpoints_client", "provider_id", "client_id"),
        Index("ix_webhook_endpoints_supplier", "provider_id", "supplier_id"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID | None]
    supplier_id: Mapped[uuid.UUID | None]
    url: Mapped[str] = mapped_column(String(URL_MAX))
    secret: Mapped[str] = mapped_column(Sealed)
    """Sealed at rest, not hashed: signing needs the key itself (HMAC), not a check of it."""
    topics: Mapped[list[str]] = mapped_column(JSON)
    enabled: Mapped[bool] = mapped_column(default=True)


class WebhookDelivery(Timestamped, Base):
    """One event for one endpoint; unique on (endpoint, event), so a replay delivers once."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("provider_id", "endpoint_id", "event_id"),
        UniqueConstraint("provider_id", "message_id"),
        ForeignKeyConstraint(
            ["provider_id", "endpoint_id"],
            ["webhook_endpoints.provider_id", "webhook_endpoints.id"],
        ),
        Index("ix_webhook_deliveries_due", "provider_id", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_event", "provider_id", "event_id"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    endpoint_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID | None]
    """The endpoint's client, copied so that a client key's scope filters deliveries directly."""
    supplier_id: Mapped[uuid.UUID | None]
    """The endpoint's supplier, copied for the same reason."""
    event_id: Mapped[uuid.UUID]
    message_id: Mapped[str] = mapped_column(String(64))
    """What receivers deduplicate on: the same for every attempt and every redelivery."""
    topic: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime]
    status: Mapped[DeliveryStatus] = mapped_column(
        enum_column(DeliveryStatus), default=DeliveryStatus.PENDING
    )
    attempt_count: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(ERROR_MAX))


class WebhookAttempt(Base):
    """One try at sending a delivery: append-only."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["provider_id", "delivery_id"],
            ["webhook_deliveries.provider_id", "webhook_deliveries.id"],
        ),
        Index("ix_webhook_attempts_delivery", "provider_id", "delivery_id", "attempted_at"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    delivery_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID | None]
    supplier_id: Mapped[uuid.UUID | None]
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_code: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(ERROR_MAX))
    duration_ms: Mapped[int]
