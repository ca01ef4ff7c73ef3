"""Stock levels, the append-only ledger they are the sums of, and inbound shipments (ASNs)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, Timestamped, enum_column, new_id, utcnow
from persistence.change_feed import ChangeTracked
from tenants.models import client_fk


class MovementKind(StrEnum):
    """Why stock moved."""

    RECEIPT = "receipt"
    ADJUSTMENT = "adjustment"
    ALLOCATION = "allocation"
    RELEASE = "release"
    SHIPMENT = "shipment"
    RETURN = "return"
    COUNT = "count"
    EXPECTED = "expected"
    """An inbound shipment announced or settled: moves only `incoming`."""


class InventoryLevel(ChangeTracked, Base):
    """Stock of one product in one warehouse; always the sums of its movements."""

    __tablename__ = "inventory_levels"
    __table_args__ = (
        client_fk(),
        ForeignKeyConstraint(
            ["provider_id", "product_id"], ["products.provider_id", "products.id"]
        ),
        ForeignKeyConstraint(
            ["provider_id", "warehouse_id"], ["warehouses.provider_id", "warehouses.id"]
        ),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("allocated >= 0", name="allocated_not_negative"),
        CheckConstraint("unsellable >= 0", name="unsellable_not_negative"),
        CheckConstraint("incoming >= 0", name="incoming_not_negative"),
        CheckConstraint("on_hand - allocated - unsellable >= 0", name="available_not_negative"),
        Index(None, "provider_id", "client_id"),
        Index(
            "ix_inventory_levels_changes", "provider_id", "change_seq", "product_id", "warehouse_id"
        ),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    warehouse_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID]
    on_hand: Mapped[int] = mapped_column(default=0)
    allocated: Mapped[int] = mapped_column(default=0)
    unsellable: Mapped[int] = mapped_column(default=0)
    incoming: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def available(self) -> int:
        """What can still be promised to orders."""
        return self.on_hand - self.allocated - self.unsellable


class InventoryMovement(Base):
    """One append-only ledger row: the change of each bucket, why, who, and for what."""

    __tablename__ = "inventory_movements"
    __table_args__ = (
        client_fk(),
        ForeignKeyConstraint(
            ["provider_id", "product_id", "warehouse_id"],
            [
                "inventory_levels.provider_id",
                "inventory_levels.product_id",
                "inventory_levels.warehouse_id",
            ],
        ),
        Index(None, "provider_id", "product_id", "warehouse_id", "created_at"),
        Index(None, "provider_id", "client_id", "created_at"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    product_id: Mapped[uuid.UUID]
    warehouse_id: Mapped[uuid.UUID]
    kind: Mapped[MovementKind] = mapped_column(enum_column(MovementKind))
    on_hand_delta: Mapped[int] = mapped_column(default=0)
    allocated_delta: Mapped[int] = mapped_column(default=0)
    unsellable_delta: Mapped[int] = mapped_column(default=0)
    incoming_delta: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(500))
    actor: Mapped[str] = mapped_column(String(64))
    reference_type: Mapped[str | None] = mapped_column(String(32))
    reference_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class InboundStatus(StrEnum):
    """Where an inbound shipment stands."""

    OPEN = "open"
    RECEIVING = "receiving"
    CLOSED = "closed"


class InboundShipment(Timestamped, Base):
    """An advance shipping notice: what a client says is on its way to a warehouse."""

    __tablename__ = "inbound_shipments"
    __table_args__ = (
        UniqueConstraint("provider_id", "client_id", "reference"),
        client_fk(),
        ForeignKeyConstraint(
            ["provider_id", "warehouse_id"], ["warehouses.provider_id", "warehouses.id"]
        ),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    warehouse_id: Mapped[uuid.UUID]
    reference: Mapped[str] = mapped_column(String(64))
    status: Mapped[InboundStatus] = mapped_column(
        enum_column(InboundStatus), default=InboundStatus.OPEN
    )
    expected_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class InboundShipmentLine(Base):
    """One product expected on an inbound shipment, and how much of it arrived."""

    __tablename__ = "inbound_shipment_lines"
    __table_args__ = (
        UniqueConstraint("provider_id", "inbound_shipment_id", "product_id"),
        ForeignKeyConstraint(
            ["provider_id", "inbound_shipment_id"],
            ["inbound_shipments.provider_id", "inbound_shipments.id"],
        ),
        ForeignKeyConstraint(
            ["provider_id", "product_id"], ["products.provider_id", "products.id"]
        ),
        CheckConstraint("expected_quantity > 0", name="expected_positive"),
        CheckConstraint("received_quantity >= 0", name="received_not_negative"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    inbound_shipment_id: Mapped[uuid.UUID]
    product_id: Mapped[uuid.UUID]
    expected_quantity: Mapped[int]
    received_quantity: Mapped[int] = mapped_column(default=0)
