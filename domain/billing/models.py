"""Rate cards (versioned prices), charges (what was billed, from what) and storage snapshots."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from domain.billing.money import ExactDecimal
from persistence.base import Base, enum_column, new_id, utcnow
from tenants.models import client_fk


class ChargeType(StrEnum):
    """What a charge is for; invoice lines group by it."""

    RECEIVING_UNIT = "receiving_unit"
    RECEIVING_RECEIPT = "receiving_receipt"
    RECEIVING_ASN = "receiving_asn"
    STORAGE_UNIT_DAY = "storage_unit_day"
    STORAGE_VOLUME_DAY = "storage_volume_day"
    PICK_ORDER = "pick_order"
    PICK_ADDITIONAL_UNIT = "pick_additional_unit"
    PACKAGING = "packaging"
    SHIPPING = "shipping"
    SPECIAL_HANDLING = "special_handling"
    DROP_SHIP_ORDER = "drop_ship_order"
    DROP_SHIP_UNIT = "drop_ship_unit"
    MANUAL = "manual"
    CREDIT = "credit"
    MINIMUM_TOP_UP = "minimum_top_up"
    """Only an invoice line: what the monthly minimum adds."""


class SourceType(StrEnum):
    """What a charge came from."""

    RECEIPT = "receipt"
    INBOUND_SHIPMENT = "inbound_shipment"
    ORDER = "order"
    SHIPMENT = "shipment"
    FULFILLMENT_ORDER = "fulfillment"
    """A fulfillment order a drop-ship supplier shipped."""
    STORAGE_SNAPSHOT = "storage_snapshot"
    MANUAL = "manual"


class RateCard(Base):
    """One version of a client's prices (or of the provider default when `client_id` is null).

    Versions are append-only; the one in force at an event's time prices it. A missing
    rate means the act is not billed.
    """

    __tablename__ = "rate_cards"
    __table_args__ = (
        client_fk(),
        Index(
            "uq_rate_cards_client_version",
            "provider_id",
            "client_id",
            "version",
            unique=True,
            postgresql_where=text("client_id IS NOT NULL"),
            sqlite_where=text("client_id IS NOT NULL"),
        ),
        Index(
            "uq_rate_cards_default_version",
            "provider_id",
            "version",
            unique=True,
            postgresql_where=text("client_id IS NULL"),
            sqlite_where=text("client_id IS NULL"),
        ),
        Index("ix_rate_cards_client_effective", "provider_id", "client_id", "effective_from"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID | None]
    version: Mapped[int]
    effective_from: Mapped[datetime]
    currency: Mapped[str] = mapped_column(String(3))
    receiving_per_unit: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    receiving_per_receipt: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    receiving_per_asn: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    storage_per_unit_day: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    storage_per_cubic_metre_day: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    pick_per_order: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    pick_per_additional_unit: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    packaging_per_order: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    shipping_markup_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    shipping_flat_fee: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    drop_ship_per_order: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    """Handling fee per fulfillment order a supplier ships."""
    drop_ship_per_unit: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    """Handling fee per unit a supplier ships."""
    monthly_minimum: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    tax_rate_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    note: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WarehouseStorageRate(Base):
    """A rate card version's storage prices for one warehouse, overriding the card's own."""

    __tablename__ = "storage_rates"
    __table_args__ = (
        UniqueConstraint("provider_id", "rate_card_id", "warehouse_id"),
        ForeignKeyConstraint(
            ["provider_id", "rate_card_id"], ["rate_cards.provider_id", "rate_cards.id"]
        ),
        ForeignKeyConstraint(
            ["provider_id", "warehouse_id"], ["warehouses.provider_id", "warehouses.id"]
        ),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID | None]
    """The card's client, None for the provider's default: client keys see only their own."""
    rate_card_id: Mapped[uuid.UUID]
    warehouse_id: Mapped[uuid.UUID]
    per_unit_day: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    per_cubic_metre_day: Mapped[Decimal | None] = mapped_column(ExactDecimal())


class Charge(Base):
    """One billed act: its price explained, its source unique, so a replay never bills twice."""

    __tablename__ = "charges"
    __table_args__ = (
        UniqueConstraint("provider_id", "charge_type", "source_type", "source_id"),
        client_fk(),
        ForeignKeyConstraint(
            ["provider_id", "rate_card_id"], ["rate_cards.provider_id", "rate_cards.id"]
        ),
        Index("ix_charges_client_service_date", "provider_id", "client_id", "service_date"),
        Index(
            "ix_charges_client_period_type",
            "provider_id",
            "client_id",
            "billing_period",
            "charge_type",
        ),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    charge_type: Mapped[ChargeType] = mapped_column(enum_column(ChargeType))
    source_type: Mapped[SourceType] = mapped_column(enum_column(SourceType))
    source_id: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[uuid.UUID | None]
    rate_card_id: Mapped[uuid.UUID | None]
    rate_card_version: Mapped[int | None]
    warehouse_id: Mapped[uuid.UUID | None]
    occurred_at: Mapped[datetime]
    service_date: Mapped[date]
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal())
    unit_price: Mapped[Decimal] = mapped_column(ExactDecimal())
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(64))
    billing_period: Mapped[date]
    """The first day of the month whose invoice bills it, stamped at insert
    (domain.billing.open_periods): invoicing sums a client's month, it never updates charges."""
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StorageSnapshot(Base):
    """On-hand units of one product in one warehouse at the end of one local day."""

    __tablename__ = "storage_snapshots"
    __table_args__ = (
        UniqueConstraint("provider_id", "product_id", "warehouse_id", "day"),
        client_fk(),
        Index("ix_storage_snapshots_warehouse_day", "provider_id", "warehouse_id", "day"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    product_id: Mapped[uuid.UUID]
    warehouse_id: Mapped[uuid.UUID]
    day: Mapped[date]
    on_hand: Mapped[int]
    volume_cubic_metres: Mapped[Decimal] = mapped_column(ExactDecimal())
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)


class StorageDay(Base):
    """A warehouse's local day whose snapshots are taken and billed: where catch-up resumes."""

    __tablename__ = "storage_days"
    __table_args__ = (
        ForeignKeyConstraint(
            ["provider_id", "warehouse_id"], ["warehouses.provider_id", "warehouses.id"]
        ),
    )
    __visible_to_clients__ = False

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    warehouse_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    snapshots: Mapped[int]
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
