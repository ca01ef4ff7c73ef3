"""Channel connections, their SKU mappings, the orders they imported and pending stock pushes."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, Timestamped, enum_column, new_id
from persistence.sealed import Sealed
from tenants.models import client_fk


class ChannelKind(StrEnum):
    """Which shop platform a connection talks to, and so which adapter."""

    SHOPIFY = "shopify"
    WOOCOMMERCE = "woocommerce"


class ChannelOrderStatus(StrEnum):
    """What became of one order a channel sent."""

    IMPORTED = "imported"
    HELD = "held"
    """Imported ON_HOLD: some of its SKUs map to no product yet."""
    FAILED = "failed"
    """The channel's payload could not become an order; `error` says why."""
    SKIPPED = "skipped"
    """Seen but not for fulfilment (awaiting payment, or cancelled before it was imported)."""


class ChannelConnection(Timestamped, Base):
    """A client's shop: where it is, how to reach it, what flows which way."""

    __tablename__ = "channel_connections"
    __table_args__ = (
        UniqueConstraint("provider_id", "client_id", "name"),
        client_fk(),
        ForeignKeyConstraint(
            ["provider_id", "warehouse_id"], ["warehouses.provider_id", "warehouses.id"]
        ),
        # one live connection per shop in a provider, whichever client: a second would
        # import every order twice, or into another client
        Index(
            "uq_channel_connections_shop",
            "provider_id",
            "kind",
            "shop_url",
            unique=True,
            postgresql_where=text("disconnected_at IS NULL"),
            sqlite_where=text("disconnected_at IS NULL"),
        ),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    kind: Mapped[ChannelKind] = mapped_column(enum_column(ChannelKind))
    name: Mapped[str] = mapped_column(String(32))
    """Unique per client; prefixes the external reference of every imported order."""
    shop_url: Mapped[str] = mapped_column(String(500))
    """As `shop_address` normalises it: scheme and host in lower case, no trailing slash."""
    warehouse_id: Mapped[uuid.UUID]
    """The warehouse whose available stock the channel's stock location shows."""
    import_orders: Mapped[bool] = mapped_column(default=True)
    sync_fulfillments: Mapped[bool] = mapped_column(default=True)
    sync_inventory: Mapped[bool] = mapped_column(default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """What the channel told us: e.g. Shopify's fulfillment-service location id."""
    # Secrets: never returned by the API, sealed at rest (persistence.sealed).
    credentials: Mapped[str] = mapped_column(Sealed)
    """The adapter's credentials as JSON (an access token, a consumer key and secret)."""
    webhook_secret: Mapped[str | None] = mapped_column(Sealed)
    """Checks the channel's webhook signatures (WooCommerce: made here, shown once)."""
    cursor: Mapped[str | None] = mapped_column(String(100))
    """Where the next poll starts: the channel's own position (a modification time)."""
    last_polled_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(1000))
    last_error_at: Mapped[datetime | None]
    shipments_reported: Mapped[int] = mapped_column(default=0)
    stock_pushes: Mapped[int] = mapped_column(default=0)
    """Calls that set stock in the channel (one call may carry many products)."""
    disconnected_at: Mapped[datetime | None]
    """When it was disconnected: nothing flows, its shop may be connected again."""


class ChannelSkuMapping(Timestamped, Base):
    """A channel SKU (or variant id) that names a product of another SKU."""

    __tablename__ = "channel_sku_mappings"
    __table_args__ = (
        UniqueConstraint("provider_id", "connection_id", "channel_sku"),
        ForeignKeyConstraint(
            ["provider_id", "connection_id"],
            ["channel_connections.provider_id", "channel_connections.id"],
        ),
        ForeignKeyConstraint(
            ["provider_id", "product_id"], ["products.provider_id", "products.id"]
        ),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    connection_id: Mapped[uuid.UUID]
    channel_sku: Mapped[str] = mapped_column(String(128))
    product_id: Mapped[uuid.UUID]


class ChannelOrder(Timestamped, Base):
    """One order a channel sent: imported once, however often and in whatever order it arrives."""

    __tablename__ = "channel_orders"
    __table_args__ = (
        UniqueConstraint("provider_id", "connection_id", "channel_order_id"),
        ForeignKeyConstraint(
            ["provider_id", "connection_id"],
            ["channel_connections.provider_id", "channel_connections.id"],
        ),
        Index("ix_channel_orders_order", "provider_id", "order_id"),
        Index("ix_channel_orders_status", "provider_id", "connection_id", "status"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    connection_id: Mapped[uuid.UUID]
    channel_order_id: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[uuid.UUID | None]
    status: Mapped[ChannelOrderStatus] = mapped_column(enum_column(ChannelOrderStatus))
    channel_updated_at: Mapped[datetime]
    """The channel's modification time of the version imported: older news is ignored."""
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """The order as read from the channel (lines with channel SKUs), to import it again."""
    error: Mapped[str | None] = mapped_column(String(1000))
    reported: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Fulfillment orders whose shipment the channel has been told of."""
    report_claims: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    """Shipment reports a worker is sending now: fulfillment order id -> when it claimed the
    report (ISO, UTC); gone once reported or given back (domain.channels.reports)."""


class ChannelStockPush(Base):
    """A product whose stock the channel should be told; pushes coalesce, the latest wins."""

    __tablename__ = "channel_stock_pushes"
    __table_args__ = (
        UniqueConstraint("provider_id", "connection_id", "product_id"),
        ForeignKeyConstraint(
            ["provider_id", "connection_id"],
            ["channel_connections.provider_id", "channel_connections.id"],
        ),
        Index("ix_channel_stock_pushes_dirty", "provider_id", "connection_id", "dirty_since"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    connection_id: Mapped[uuid.UUID]
    product_id: Mapped[uuid.UUID]
    dirty_since: Mapped[datetime | None]
    """Set when the stock changed; cleared by the push that sent the value."""
    pushed_quantity: Mapped[int | None]
    pushed_at: Mapped[datetime | None]
