"""Carrier accounts, shipping settings, dispatch attempts, shipments and their tracking events."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.shipping.carriers.base import LabelFormat, TrackingStatus
from domain.shipping.rating import RatingRule
from persistence.base import Base, Timestamped, enum_column, new_id, utcnow
from persistence.change_feed import ChangeTracked
from persistence.sealed import Sealed
from tenants.models import client_fk


class CarrierKind(StrEnum):
    """Which adapter an account uses."""

    RATE_TABLE = "rate_table"
    AGGREGATOR = "aggregator"


class DispatchStatus(StrEnum):
    """How far the dispatch of one fulfillment order got."""

    PENDING = "pending"
    QUOTED = "quoted"
    """A rate is chosen and pinned with its key: a retry buys exactly this, never another."""
    SHIPPED = "shipped"
    FAILED = "failed"


class CarrierAccount(Timestamped, Base):
    """A client's account with a carrier; `name` is its carrier code in rates and shipments."""

    __tablename__ = "carrier_accounts"
    __table_args__ = (
        UniqueConstraint("provider_id", "client_id", "name"),
        client_fk(),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    kind: Mapped[CarrierKind] = mapped_column(enum_column(CarrierKind))
    name: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Non-secret configuration, e.g. the aggregator's base_url."""
    # Secrets: never returned by the API, sealed at rest (persistence.sealed).
    api_key: Mapped[str | None] = mapped_column(Sealed)
    webhook_secret: Mapped[str | None] = mapped_column(Sealed)
    """Signs the carrier's tracking pushes (HMAC-SHA256 of the body)."""


class ShippingSettings(Timestamped, Base):
    """How a client's parcels are dispatched; a client without a row gets the defaults."""

    __tablename__ = "shipping_settings"
    __table_args__ = (UniqueConstraint("provider_id", "client_id"), client_fk())

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    rule: Mapped[RatingRule] = mapped_column(enum_column(RatingRule), default=RatingRule.CHEAPEST)
    automatic_dispatch: Mapped[bool] = mapped_column(default=False)
    """Pick, pack and ship as soon as an order is allocated, with no warehouse scan."""
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    label_format: Mapped[LabelFormat] = mapped_column(
        enum_column(LabelFormat), default=LabelFormat.ZPL
    )
    ship_from: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """An address overriding the warehouse's (e.g. the client's return name); None: warehouse."""


class DispatchAttempt(Base):
    """The dispatch of one fulfillment order: pinned quote, idempotency key, tries, failure."""

    __tablename__ = "dispatch_attempts"
    __table_args__ = (
        UniqueConstraint("provider_id", "fulfillment_order_id"),
        ForeignKeyConstraint(
            ["provider_id", "fulfillment_order_id"],
            ["fulfillment_orders.provider_id", "fulfillment_orders.id"],
        ),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    order_id: Mapped[uuid.UUID]
    fulfillment_order_id: Mapped[uuid.UUID]
    status: Mapped[DispatchStatus] = mapped_column(
        enum_column(DispatchStatus), default=DispatchStatus.PENDING
    )
    generation: Mapped[int] = mapped_column(default=0)
    """Raised by each operator retry after a refusal, so the retry gets a fresh key."""
    attempts: Mapped[int] = mapped_column(default=0)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    carrier_account_id: Mapped[uuid.UUID | None]
    quote: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The chosen rate and the exact request (parcel, addresses, format) it was bought for."""
    explanation: Mapped[str | None] = mapped_column(Text)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    exception_reason: Mapped[str | None] = mapped_column(String(1000))
    exception_code: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Shipment(ChangeTracked, Timestamped, Base):
    """A bought label: one per fulfillment order, however often dispatch runs."""

    __tablename__ = "shipments"
    __table_args__ = (
        UniqueConstraint("provider_id", "fulfillment_order_id"),
        UniqueConstraint("provider_id", "idempotency_key"),
        ForeignKeyConstraint(
            ["provider_id", "fulfillment_order_id"],
            ["fulfillment_orders.provider_id", "fulfillment_orders.id"],
        ),
        # carriers reuse tracking numbers: look up by account and number, newest first
        Index("ix_shipments_tracking", "provider_id", "carrier_account_id", "tracking_number"),
        Index("ix_shipments_order", "provider_id", "order_id"),
        Index("ix_shipments_created", "provider_id", "created_at", "id"),
        Index("ix_shipments_changes", "provider_id", "change_seq", "id"),
        Index("ix_shipments_in_transit", "status", "created_at"),  # the tracking poller's scan
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    order_id: Mapped[uuid.UUID]
    fulfillment_order_id: Mapped[uuid.UUID]
    carrier_account_id: Mapped[uuid.UUID]
    carrier: Mapped[str] = mapped_column(String(64))
    service: Mapped[str] = mapped_column(String(100))
    tracking_number: Mapped[str] = mapped_column(String(64))
    carrier_reference: Mapped[str] = mapped_column(Text)
    cost: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    label_format: Mapped[LabelFormat] = mapped_column(enum_column(LabelFormat))
    label_content: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[TrackingStatus] = mapped_column(
        enum_column(TrackingStatus), default=TrackingStatus.PRE_TRANSIT
    )
    idempotency_key: Mapped[str] = mapped_column(String(100))
    delivered_at: Mapped[datetime | None]


class TrackingEvent(Base):
    """One step of a shipment's journey; polling or a push twice adds it once."""

    __tablename__ = "tracking_events"
    __table_args__ = (
        UniqueConstraint("provider_id", "shipment_id", "occurred_at", "raw_status"),
        ForeignKeyConstraint(
            ["provider_id", "shipment_id"], ["shipments.provider_id", "shipments.id"]
        ),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    shipment_id: Mapped[uuid.UUID]
    status: Mapped[TrackingStatus] = mapped_column(enum_column(TrackingStatus))
    raw_status: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(500))
    occurred_at: Mapped[datetime]
    location: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
