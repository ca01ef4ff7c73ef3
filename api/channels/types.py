"""GraphQL types of sales channels; credentials and webhook secrets are never shown."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Self

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.catalog.types import ProductType, WarehouseType
from api.context import Context
from api.descriptions import described_enum
from api.orders.dataloaders import _children
from api.orders.types import OrderType
from api.relay import RowNode, by_id
from api.tenants.types import ClientType
from domain.catalog.models import Product, Warehouse
from domain.channels import queries
from domain.channels.models import (
    ChannelConnection,
    ChannelKind,
    ChannelOrder,
    ChannelOrderStatus,
    ChannelSkuMapping,
)
from domain.orders.models import Order
from tenants.models import Client

ChannelKindEnum = described_enum(
    ChannelKind,
    name="ChannelKind",
    description="A shop platform Crossdock connects to.",
    values={
        ChannelKind.SHOPIFY: (
            "Shopify, through its Admin GraphQL API as a fulfillment service (a location)."
        ),
        ChannelKind.WOOCOMMERCE: "WooCommerce, through its REST API v3.",
    },
)
ChannelOrderStatusEnum = described_enum(
    ChannelOrderStatus,
    name="ChannelOrderStatus",
    description="What became of an order a channel sent.",
    values={
        ChannelOrderStatus.IMPORTED: "It is a Crossdock order.",
        ChannelOrderStatus.HELD: "It is a Crossdock order ON_HOLD: some SKUs map to no product.",
        ChannelOrderStatus.FAILED: "It could not become an order; `error` says why.",
        ChannelOrderStatus.SKIPPED: (
            "Seen, not for fulfilment: awaiting payment, or cancelled before it was imported."
        ),
    },
)


@strawberry.type(name="ChannelCheckDetail")
class ChannelCheckDetailType:
    """One more thing a check read from the shop, e.g. its currency."""

    name: str = strawberry.field(
        description="What it is: `currency` (WooCommerce), `domain` (Shopify's myshopify domain)."
    )
    value: str = strawberry.field(description="What the shop said.")


@strawberry.type(name="ChannelConnectionStats")
class ConnectionStatsType:
    """What a connection has imported and what waits to be pushed."""

    imported: int = strawberry.field(description="Orders imported and not held.")
    held: int = strawberry.field(description="Orders imported ON_HOLD for unmapped SKUs.")
    failed: int = strawberry.field(description="Orders that could not be imported.")
    stock_pending: int = strawberry.field(description="Products whose stock awaits a push.")
    shipments_reported: int = strawberry.field(description="Shipments told to the channel.")
    stock_pushes: int = strawberry.field(description="Calls that set stock in the channel.")


@strawberry.type(name="ChannelConnection")
class ChannelConnectionType(RowNode):
    """A client's shop; its credentials and webhook secret are never shown."""

    __model__ = ChannelConnection
    id: relay.NodeID[str]
    kind: ChannelKindEnum = strawberry.field(description="The shop platform.")  # type: ignore[valid-type]
    name: str = strawberry.field(
        description="Unique per client; imported orders' references are `<name>-<order id>`."
    )
    shop_url: str = strawberry.field(description="The shop's address.")
    import_orders: bool = strawberry.field(description="Whether the shop's orders come in.")
    sync_fulfillments: bool = strawberry.field(
        description="Whether shipments (carrier, tracking) are reported to the shop."
    )
    sync_inventory: bool = strawberry.field(
        description="Whether the warehouse's available stock is pushed to the shop."
    )
    cursor: str | None = strawberry.field(
        description="Where the next poll starts, in the channel's terms (a modification time)."
    )
    last_polled_at: datetime | None = strawberry.field(
        description="When a poll last reached the shop and imported what it found."
    )
    last_error: str | None = strawberry.field(
        description=(
            "The last failure; null once work with the shop succeeds again (a poll, an "
            "order imported, a shipment reported, stock pushed, a check), unless an order "
            "still cannot be imported."
        )
    )
    last_error_at: datetime | None = strawberry.field(description="When it happened.")
    disconnected_at: datetime | None = strawberry.field(
        description=(
            "When it was disconnected (`disconnectChannelConnection`): nothing flows through "
            "it since; null while it is live."
        )
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    client_id: strawberry.Private[uuid.UUID]
    provider_id: strawberry.Private[uuid.UUID]
    warehouse_id: strawberry.Private[uuid.UUID]
    shipments_reported: strawberry.Private[int]
    stock_pushes: strawberry.Private[int]
    settings: strawberry.Private[dict[str, Any]]

    @classmethod
    def from_row(cls, row: Any) -> Self:
        """The connection without its secrets."""
        return cls(
            id=str(row.id),
            kind=row.kind,
            name=row.name,
            shop_url=row.shop_url,
            import_orders=row.import_orders,
            sync_fulfillments=row.sync_fulfillments,
            sync_inventory=row.sync_inventory,
            cursor=row.cursor,
            last_polled_at=row.last_polled_at,
            last_error=row.last_error,
            last_error_at=row.last_error_at,
            disconnected_at=row.disconnected_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            client_id=row.client_id,
            provider_id=row.provider_id,
            warehouse_id=row.warehouse_id,
            shipments_reported=row.shipments_reported,
            stock_pushes=row.stock_pushes,
            settings=dict(row.settings or {}),
        )

    @strawberry.field
    def shop_name(self) -> str | None:
        """The shop's name as `checkChannelConnection` last found it."""
        return self.settings.get("shop_name")

    @strawberry.field
    def location_id(self) -> str | None:
        """The channel's id of the stock location Crossdock fulfils from (Shopify)."""
        return self.settings.get("location_id")

    @strawberry.field
    def webhook_path(self) -> str:
        """Where the shop sends its webhooks, relative to the API's root."""
        return f"/channels/{self.kind.value}/webhook/{self.provider_id}/{self.id}"

    @strawberry.field
    def lag_seconds(self) -> int | None:
        """Seconds since a poll last caught up with the shop; null before the first."""
        if self.last_polled_at is None:
            return None
        return max(0, int((datetime.now(UTC) - self.last_polled_at).total_seconds()))

    @strawberry.field
    async def last_import_at(self, info: Info[Context, None]) -> datetime | None:
        """When the last order came in (by webhook or poll)."""
        return (await self._stats(info)).last_import_at

    @strawberry.field
    async def counts(self, info: Info[Context, None]) -> ConnectionStatsType:
        """What the connection has imported and pushed."""
        stats = await self._stats(info)
        return ConnectionStatsType(
            imported=stats.imported,
            held=stats.held,
            failed=stats.failed,
            stock_pending=stats.stock_pending,
            shipments_reported=self.shipments_reported,
            stock_pushes=self.stock_pushes,
        )

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType | None:
        """The client the shop sells for."""
        row = await by_id(info.context, Client).load(self.client_id)
        return ClientType.from_row(row) if row else None

    @strawberry.field
    async def warehouse(self, info: Info[Context, None]) -> WarehouseType | None:
        """The warehouse whose stock the shop shows."""
        row = await by_id(info.context, Warehouse).load(self.warehouse_id)
        return WarehouseType.from_row(row) if row else None

    async def _stats(self, info: Info[Context, None]) -> queries.ConnectionStats:
        found = await _children(info.context, queries.stats_by_connection).load(
            uuid.UUID(str(self.id))
        )
        return found[0] if found else queries.ConnectionStats()


@strawberry.type(name="ChannelSkuMapping")
class ChannelSkuMappingType(RowNode):
    """A channel SKU (or `variant:<id>`) that names a product of another SKU."""

    __model__ = ChannelSkuMapping
    id: relay.NodeID[str]
    channel_sku: str = strawberry.field(description="The SKU, or `variant:<id>`, in the channel.")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    connection_id: strawberry.Private[uuid.UUID]
    product_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> ProductType | None:
        """The product it names."""
        row = await by_id(info.context, Product).load(self.product_id)
        return ProductType.from_row(row) if row else None

    @strawberry.field
    async def connection(self, info: Info[Context, None]) -> ChannelConnectionType | None:
        """The connection it belongs to."""
        row = await by_id(info.context, ChannelConnection).load(self.connection_id)
        return ChannelConnectionType.from_row(row) if row else None


@strawberry.type(name="ChannelOrder")
class ChannelOrderType(RowNode):
    """One order a channel sent, and what became of it."""

    __model__ = ChannelOrder
    id: relay.NodeID[str]
    channel_order_id: str = strawberry.field(description="The channel's own id of the order.")
    status: ChannelOrderStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Imported, held or failed."
    )
    error: str | None = strawberry.field(description="Why it failed, if it did.")
    channel_updated_at: datetime = strawberry.field(
        description="The channel's modification time of the version imported."
    )
    created_at: datetime = strawberry.field(description="When it first arrived.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    connection_id: strawberry.Private[uuid.UUID]
    order_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def order(self, info: Info[Context, None]) -> OrderType | None:
        """The Crossdock order it became; null when it failed."""
        row = await by_id(info.context, Order).load(self.order_id)
        return OrderType.from_row(row) if row else None

    @strawberry.field
    async def connection(self, info: Info[Context, None]) -> ChannelConnectionType | None:
        """The connection it came through."""
        row = await by_id(info.context, ChannelConnection).load(self.connection_id)
        return ChannelConnectionType.from_row(row) if row else None
