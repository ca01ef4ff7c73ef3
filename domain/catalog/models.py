"""Warehouses (the provider's, or a client's own premises) and products (client-owned)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, composite, mapped_column

from domain.addresses import Address
from persistence.base import Base, Timestamped, enum_column, new_id
from tenants.models import client_fk

CODE_MAX = 40
NAME_MAX = 200
SKU_MAX = 64


class WarehouseKind(StrEnum):
    """Whose premises a warehouse row is."""

    WAREHOUSE = "warehouse"
    """The provider's (the 3PL's) building."""
    MERCHANT_LOCATION = "merchant_location"
    """A client's own premises (a shop, its own store room); the client fulfils by hand."""


class Warehouse(Timestamped, Base):
    """A place stock is kept and orders ship from: the provider's, or a client's own.

    A merchant location carries its client; every client sees the provider's warehouses
    (no client) and only its own locations.
    """

    __tablename__ = "warehouses"
    __table_args__ = (UniqueConstraint("provider_id", "code"), client_fk())
    __shared_when_unowned__ = True

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    kind: Mapped[WarehouseKind] = mapped_column(
        enum_column(WarehouseKind), default=WarehouseKind.WAREHOUSE, server_default="warehouse"
    )
    client_id: Mapped[uuid.UUID | None]
    """The client owning a merchant location; null for the provider's warehouses."""
    code: Mapped[str] = mapped_column(String(CODE_MAX))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    address_line1: Mapped[str] = mapped_column(String(NAME_MAX))
    address_line2: Mapped[str | None] = mapped_column(String(NAME_MAX))
    city: Mapped[str] = mapped_column(String(100))
    region: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2))
    address: Mapped[Address] = composite(
        Address.from_columns,
        "address_line1", "address_line2", "city", "region", "postal_code", "country",
    )  # fmt: skip
    """Where the warehouse is: the place only; its addressee is empty."""
    timezone: Mapped[str] = mapped_column(String(64))
    archived_at: Mapped[datetime | None]


class Product(Timestamped, Base):
    """A client's stock-keeping unit. Weights in grams, dimensions in millimetres."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("provider_id", "client_id", "sku"),
        client_fk(),
        CheckConstraint("weight_grams >= 0", name="weight_not_negative"),
        CheckConstraint("reorder_point >= 0", name="reorder_point_not_negative"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    sku: Mapped[str] = mapped_column(String(SKU_MAX))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    barcode: Mapped[str | None] = mapped_column(String(64))
    weight_grams: Mapped[int] = mapped_column(default=0)
    length_mm: Mapped[int | None]
    width_mm: Mapped[int | None]
    height_mm: Mapped[int | None]
    declared_value: Mapped[Decimal | None]
    currency: Mapped[str | None] = mapped_column(String(3))
    reorder_point: Mapped[int] = mapped_column(default=0)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    """Free labels routing rules can match on (e.g. fragile, oversize)."""
    archived_at: Mapped[datetime | None]
