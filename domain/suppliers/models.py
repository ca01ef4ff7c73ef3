"""The supplier catalog (which supplier carries which client product) and supplier stock."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
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
from tenants.models import client_fk


def supplier_fk() -> ForeignKeyConstraint:
    """A fresh (provider_id, supplier_id) reference to a supplier of the row's own provider."""
    return ForeignKeyConstraint(
        ["provider_id", "supplier_id"], ["suppliers.provider_id", "suppliers.id"]
    )


class SupplierProduct(Timestamped, Base):
    """A supplier's offer of one client product: its SKU, cost, lead time and minimum."""

    __tablename__ = "supplier_products"
    __table_args__ = (
        UniqueConstraint("provider_id", "supplier_id", "product_id"),
        supplier_fk(),
        client_fk(),
        ForeignKeyConstraint(
            ["provider_id", "product_id"], ["products.provider_id", "products.id"]
        ),
        CheckConstraint("lead_time_days >= 0", name="lead_time_not_negative"),
        CheckConstraint("min_quantity >= 1", name="min_quantity_positive"),
        CheckConstraint("unit_cost >= 0", name="unit_cost_not_negative"),
        Index("ix_supplier_products_product", "provider_id", "product_id"),
        Index("ix_supplier_products_client", "provider_id", "client_id"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    supplier_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID]
    """The product's client, copied so that a client key's scope filters links directly."""
    product_id: Mapped[uuid.UUID]
    supplier_sku: Mapped[str] = mapped_column(String(64))
    unit_cost: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    lead_time_days: Mapped[int] = mapped_column(default=0)
    min_quantity: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)


class SupplierStock(Base):
    """What one supplier holds of one product; always the sums of its movements.

    `on_hand` is what the supplier can ship in all; `allocated` is promised to
    fulfillment orders routed to it and not shipped yet; the rest is available.
    """

    __tablename__ = "supplier_stock"
    __table_args__ = (
        ForeignKeyConstraint(
            ["provider_id", "supplier_id", "product_id"],
            [
                "supplier_products.provider_id",
                "supplier_products.supplier_id",
                "supplier_products.product_id",
            ],
        ),
        client_fk(),
        CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        CheckConstraint("allocated >= 0", name="allocated_not_negative"),
        CheckConstraint("on_hand - allocated >= 0", name="available_not_negative"),
        Index("ix_supplier_stock_product", "provider_id", "product_id"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    supplier_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID]
    on_hand: Mapped[int] = mapped_column(default=0)
    allocated: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def available(self) -> int:
        """What can still be routed to the supplier."""
        return self.on_hand - self.allocated


class SupplierMovementKind(StrEnum):
    """Why a supplier's stock moved."""

    REPORT = "report"
    """The supplier reported a new available quantity (mutation or CSV)."""
    ALLOCATION = "allocation"
    RELEASE = "release"
    SHIPMENT = "shipment"


class SupplierStockMovement(Base):
    """One append-only row of a supplier's stock ledger."""

    __tablename__ = "supplier_stock_movements"
    __table_args__ = (
        ForeignKeyConstraint(
            ["provider_id", "supplier_id", "product_id"],
            [
                "supplier_stock.provider_id",
                "supplier_stock.supplier_id",
                "supplier_stock.product_id",
            ],
        ),
        client_fk(),
        Index(
            "ix_supplier_stock_movements_stock",
            "provider_id",
            "supplier_id",
            "product_id",
            "created_at",
        ),
        Index("ix_supplier_stock_movements_client", "provider_id", "client_id", "created_at"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    supplier_id: Mapped[uuid.UUID]
    product_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID]
    kind: Mapped[SupplierMovementKind] = mapped_column(enum_column(SupplierMovementKind))
    on_hand_delta: Mapped[int] = mapped_column(default=0)
    allocated_delta: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(64))
    reference_type: Mapped[str | None] = mapped_column(String(32))
    reference_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
