"""Orders, their lines, holds, and the fulfillment orders allocation splits them into."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, composite, mapped_column, relationship

from domain.addresses import Address
from persistence.base import Base, Timestamped, enum_column, new_id, utcnow
from persistence.change_feed import ChangeTracked
from tenants.models import client_fk


class OrderStatus(StrEnum):
    """Where an order stands; `domain.orders.states` says which moves are legal."""

    RECEIVED = "received"
    ON_HOLD = "on_hold"
    ALLOCATED = "allocated"
    PARTIALLY_ALLOCATED = "partially_allocated"
    BACKORDERED = "backordered"
    PICKING = "picking"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"
    EXCEPTION = "exception"
    """A fulfillment order could not be dispatched (a carrier refused it); an operator acts."""


class FulfillmentStatus(StrEnum):
    """Where one fulfillment order (one source's share of an order) stands."""

    ALLOCATED = "allocated"
    PICKING = "picking"
    PACKED = "packed"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    EXCEPTION = "exception"
    """Dispatch failed for good (e.g. the carrier refused the address); fix it, then retry."""


class RejectionReason(StrEnum):
    """Why a supplier turned a fulfillment order down."""

    OUT_OF_STOCK = "out_of_stock"
    CANNOT_SHIP_TO_DESTINATION = "cannot_ship_to_destination"
    DISCONTINUED = "discontinued"
    BELOW_MINIMUM_QUANTITY = "below_minimum_quantity"
    OTHER = "other"


class ExceptionReason(StrEnum):
    """Why a fulfillment order is in EXCEPTION."""

    DISPATCH_FAILED = "dispatch_failed"
    ACKNOWLEDGE_OVERDUE = "acknowledge_overdue"
    """The supplier did not acknowledge within its SLA."""
    SHIP_OVERDUE = "ship_overdue"
    """The supplier did not ship within its SLA."""


class HoldReason(StrEnum):
    """Why an order is held back from fulfilment."""

    AWAITING_PAYMENT = "awaiting_payment"
    INCORRECT_ADDRESS = "incorrect_address"
    FRAUD_RISK = "fraud_risk"
    CLIENT_REQUEST = "client_request"
    OTHER = "other"
    UNMAPPED_SKU = "unmapped_sku"
    """Imported from a sales channel with SKUs that name no product; the note lists them."""


class Order(ChangeTracked, Timestamped, Base):
    """A client's order: unique per client by its external reference."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("provider_id", "client_id", "external_reference"),
        client_fk(),
        Index(None, "provider_id", "created_at", "id"),
        Index(None, "provider_id", "updated_at", "id"),
        Index("ix_orders_changes", "provider_id", "change_seq", "id"),
        Index(None, "provider_id", "client_id", "created_at", "id"),
        Index(None, "provider_id", "status", "created_at"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    external_reference: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    """Digest of what the order was created with, to tell a retry from a conflicting reuse."""
    status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus))
    service_level: Mapped[str] = mapped_column(String(32))
    ship_to_name: Mapped[str] = mapped_column(String(200))
    ship_to_company: Mapped[str | None] = mapped_column(String(200))
    ship_to_line1: Mapped[str] = mapped_column(String(200))
    ship_to_line2: Mapped[str | None] = mapped_column(String(200))
    ship_to_city: Mapped[str] = mapped_column(String(100))
    ship_to_region: Mapped[str | None] = mapped_column(String(100))
    ship_to_postal_code: Mapped[str] = mapped_column(String(20))
    ship_to_country: Mapped[str] = mapped_column(String(2))
    ship_to_phone: Mapped[str | None] = mapped_column(String(40))
    ship_to_email: Mapped[str | None] = mapped_column(String(200))
    ship_to: Mapped[Address] = composite(
        Address.from_columns,
        "ship_to_line1", "ship_to_line2", "ship_to_city", "ship_to_region",
        "ship_to_postal_code", "ship_to_country",
        "ship_to_name", "ship_to_company", "ship_to_phone", "ship_to_email",
    )  # fmt: skip
    """Where the order goes (the ``ship_to_*`` columns as one value)."""
    created_by: Mapped[str] = mapped_column(String(64))
    cancelled_at: Mapped[datetime | None]
    tags: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    """The client's labels for the order (e.g. vip, gift); routing rules can match on them."""


class OrderLine(Base):
    """A product and quantity on an order, and how much of it is allocated."""

    __tablename__ = "order_lines"
    __table_args__ = (
        ForeignKeyConstraint(["provider_id", "order_id"], ["orders.provider_id", "orders.id"]),
        ForeignKeyConstraint(
            ["provider_id", "product_id"], ["products.provider_id", "products.id"]
        ),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint(
            "allocated_quantity >= 0 AND allocated_quantity <= quantity", name="allocation_bounded"
        ),
        Index(None, "provider_id", "order_id"),
        Index(None, "provider_id", "product_id"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    order_id: Mapped[uuid.UUID]
    line_number: Mapped[int]
    product_id: Mapped[uuid.UUID]
    sku: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[int]
    allocated_quantity: Mapped[int] = mapped_column(default=0)

    @property
    def backordered_quantity(self) -> int:
        """What still waits for stock."""
        return self.quantity - self.allocated_quantity


class OrderHold(Base):
    """A hold on an order: the order ships only when every hold is released."""

    __tablename__ = "order_holds"
    __table_args__ = (
        ForeignKeyConstraint(["provider_id", "order_id"], ["orders.provider_id", "orders.id"]),
        Index(None, "provider_id", "order_id"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    order_id: Mapped[uuid.UUID]
    reason: Mapped[HoldReason] = mapped_column(enum_column(HoldReason))
    note: Mapped[str | None] = mapped_column(String(500))
    unmapped_skus: Mapped[list[str]] = mapped_column(JSON, default=list)
    """An UNMAPPED_SKU hold's channel SKUs that map to no product, as last checked (the
    import, then each mapping of the connection); empty for other reasons."""
    placed_by: Mapped[str] = mapped_column(String(64))
    placed_at: Mapped[datetime] = mapped_column(default=utcnow)
    released_by: Mapped[str | None] = mapped_column(String(64))
    released_at: Mapped[datetime | None]


class FulfillmentOrder(Timestamped, Base):
    """One source's share of an order: a warehouse or a drop-ship supplier, never both."""

    __tablename__ = "fulfillment_orders"
    __table_args__ = (
        ForeignKeyConstraint(["provider_id", "order_id"], ["orders.provider_id", "orders.id"]),
        ForeignKeyConstraint(
            ["provider_id", "warehouse_id"], ["warehouses.provider_id", "warehouses.id"]
        ),
        ForeignKeyConstraint(
            ["provider_id", "supplier_id"], ["suppliers.provider_id", "suppliers.id"]
        ),
        CheckConstraint("(warehouse_id IS NULL) <> (supplier_id IS NULL)", name="one_source"),
        Index(None, "provider_id", "order_id"),
        Index(None, "provider_id", "warehouse_id", "status"),
        Index("ix_fulfillment_orders_supplier_status", "provider_id", "supplier_id", "status"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    order_id: Mapped[uuid.UUID]
    warehouse_id: Mapped[uuid.UUID | None]
    supplier_id: Mapped[uuid.UUID | None]
    """The drop-ship supplier serving it (then `warehouse_id` is null)."""
    status: Mapped[FulfillmentStatus] = mapped_column(
        enum_column(FulfillmentStatus), default=FulfillmentStatus.ALLOCATED
    )
    carrier: Mapped[str | None] = mapped_column(String(64))
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    acknowledge_by: Mapped[datetime | None]
    """SLA deadline for the supplier's acknowledgement (null: no SLA, or not a supplier's)."""
    ship_by: Mapped[datetime | None]
    """SLA deadline for the supplier's shipment."""
    acknowledged_at: Mapped[datetime | None]
    rejected_at: Mapped[datetime | None]
    rejection_reason: Mapped[RejectionReason | None] = mapped_column(enum_column(RejectionReason))
    rejection_note: Mapped[str | None] = mapped_column(String(500))
    exception_reason: Mapped[ExceptionReason | None] = mapped_column(enum_column(ExceptionReason))
    overdue_at: Mapped[datetime | None]
    """When the SLA sweep found the fulfillment order late."""


class FulfillmentOrderLine(Base):
    """How much of an order line one fulfillment order ships."""

    __tablename__ = "fulfillment_order_lines"
    __table_args__ = (
        ForeignKeyConstraint(
            ["provider_id", "fulfillment_order_id"],
            ["fulfillment_orders.provider_id", "fulfillment_orders.id"],
        ),
        ForeignKeyConstraint(
            ["provider_id", "order_line_id"], ["order_lines.provider_id", "order_lines.id"]
        ),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index(None, "provider_id", "fulfillment_order_id"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    fulfillment_order_id: Mapped[uuid.UUID]
    order_line_id: Mapped[uuid.UUID]
    product_id: Mapped[uuid.UUID]
    quantity: Mapped[int]
    supplier_id: Mapped[uuid.UUID | None]
    """The fulfillment order's supplier, copied so that a supplier key's scope filters lines."""
    # Never loaded (lazy="raise"): they tell a flush to insert order lines and fulfillment
    # orders before the lines that point at them, so one flush can stage all three.
    order_line: Mapped[OrderLine] = relationship(lazy="raise", overlaps="fulfillment_order")
    fulfillment_order: Mapped[FulfillmentOrder] = relationship(lazy="raise", overlaps="order_line")
