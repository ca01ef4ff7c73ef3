"""GraphQL types of orders: Order, FulfillmentOrder and OrderHold are nodes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.addresses import Address
from api.catalog.types import ProductType, WarehouseType
from api.context import Context
from api.orders import dataloaders
from api.relay import RowNode, by_id
from api.tenants.types import ClientType
from domain.catalog.models import Product, Warehouse
from domain.orders.models import (
    FulfillmentOrder,
    FulfillmentStatus,
    HoldReason,
    Order,
    OrderHold,
    OrderLine,
    OrderStatus,
)
from domain.shipping.carriers.base import ServiceLevel
from tenants.models import Client

if TYPE_CHECKING:
    from api.shipping.types import DispatchType, ShipmentType

OrderStatusEnum = strawberry.enum(
    OrderStatus, name="OrderStatus", description="Where an order stands."
)
FulfillmentStatusEnum = strawberry.enum(
    FulfillmentStatus, name="FulfillmentStatus", description="Where a fulfillment order stands."
)
HoldReasonEnum = strawberry.enum(HoldReason, name="HoldReason", description="Why an order is held.")
ServiceLevelEnum = strawberry.enum(
    ServiceLevel, name="ServiceLevel", description="How fast an order is to be delivered."
)
_SPEEDS = {
    ServiceLevel.STANDARD: "The carrier's usual speed.",
    ServiceLevel.EXPRESS: "Faster than standard, e.g. two days.",
    ServiceLevel.OVERNIGHT: "Delivered the next working day.",
}
for _level in ServiceLevelEnum.__strawberry_definition__.values:  # type: ignore[attr-defined]
    _level.description = _SPEEDS[ServiceLevel(_level.value)]


async def _product(info: Info[Context, None], product_id: uuid.UUID) -> ProductType | None:
    row = await by_id(info.context, Product).load(product_id)
    return ProductType.from_row(row) if row else None


@strawberry.type(name="OrderLine")
class OrderLineType:
    """A SKU on an order and how much of it is reserved or still waiting."""

    line_number: int
    sku: str
    quantity: int
    allocated_quantity: int
    backordered_quantity: int = strawberry.field(description="Units still waiting for stock.")
    product_id: strawberry.Private[uuid.UUID]

    @classmethod
    def of(cls, line: OrderLine, cancelled: bool) -> OrderLineType:
        """The line as shown; a cancelled order waits for nothing."""
        return cls(
            line_number=line.line_number,
            sku=line.sku,
            quantity=line.quantity,
            allocated_quantity=line.allocated_quantity,
            backordered_quantity=0 if cancelled else line.backordered_quantity,
            product_id=line.product_id,
        )

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> ProductType | None:
        """The product ordered."""
        return await _product(info, self.product_id)


@strawberry.type(name="FulfillmentOrderLine")
class FulfillmentOrderLineType:
    """How many units of a product one fulfillment order ships."""

    quantity: int
    product_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> ProductType | None:
        """The product shipped."""
        return await _product(info, self.product_id)


@strawberry.type(name="FulfillmentOrder")
class FulfillmentOrderType(RowNode):
    """One warehouse's share of an order."""

    __model__ = FulfillmentOrder
    id: relay.NodeID[str]
    status: FulfillmentStatusEnum  # type: ignore[valid-type]
    carrier: str | None
    tracking_number: str | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    created_at: datetime
    updated_at: datetime
    order_id: strawberry.Private[uuid.UUID]
    warehouse_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def warehouse(self, info: Info[Context, None]) -> WarehouseType | None:
        """Where it ships from."""
        row = await by_id(info.context, Warehouse).load(self.warehouse_id)
        return WarehouseType.from_row(row) if row else None

    @strawberry.field
    async def lines(self, info: Info[Context, None]) -> list[FulfillmentOrderLineType]:
        """What it ships."""
        rows = await dataloaders.lines_by_fulfillment_order(info.context).load(self.id)
        return [
            FulfillmentOrderLineType(quantity=r.quantity, product_id=r.product_id) for r in rows
        ]

    @strawberry.field
    async def dispatch(
        self, info: Info[Context, None]
    ) -> Annotated[DispatchType, strawberry.lazy("api.shipping.types")] | None:
        """How its carrier dispatch went: attempts, the rate chosen, an exception's reason."""
        from api.shipping.types import dispatch_of

        return await dispatch_of(info, uuid.UUID(str(self.id)))

    @strawberry.field
    async def shipment(
        self, info: Info[Context, None]
    ) -> Annotated[ShipmentType, strawberry.lazy("api.shipping.types")] | None:
        """The label bought for it, once dispatched."""
        from api.shipping.types import shipment_of

        return await shipment_of(info, uuid.UUID(str(self.id)))

    @strawberry.field
    async def order(self, info: Info[Context, None]) -> OrderType | None:
        """The order it is part of."""
        row = await by_id(info.context, Order).load(self.order_id)
        return OrderType.from_row(row) if row else None


@strawberry.type(name="OrderHold")
class OrderHoldType(RowNode):
    """A hold on an order; the order ships only when every hold is released."""

    __model__ = OrderHold
    id: relay.NodeID[str]
    reason: HoldReasonEnum  # type: ignore[valid-type]
    note: str | None
    placed_by: str
    placed_at: datetime
    released_by: str | None
    released_at: datetime | None
    order_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def order(self, info: Info[Context, None]) -> OrderType | None:
        """The held order."""
        row = await by_id(info.context, Order).load(self.order_id)
        return OrderType.from_row(row) if row else None


@strawberry.type(name="Order")
class OrderType(RowNode):
    """A client's order."""

    __model__ = Order
    id: relay.NodeID[str]
    external_reference: str = strawberry.field(
        description="The client's own id, unique per client."
    )
    status: OrderStatusEnum  # type: ignore[valid-type]
    service_level: ServiceLevelEnum  # type: ignore[valid-type]
    created_at: datetime
    updated_at: datetime
    cancelled_at: datetime | None
    created_by: str
    client_id: strawberry.Private[uuid.UUID]
    ship_to_name: strawberry.Private[str]
    ship_to_company: strawberry.Private[str | None]
    ship_to_line1: strawberry.Private[str]
    ship_to_line2: strawberry.Private[str | None]
    ship_to_city: strawberry.Private[str]
    ship_to_region: strawberry.Private[str | None]
    ship_to_postal_code: strawberry.Private[str]
    ship_to_country: strawberry.Private[str]
    ship_to_phone: strawberry.Private[str | None]
    ship_to_email: strawberry.Private[str | None]

    @strawberry.field
    def ship_to(self) -> Address:
        """Where the order goes."""
        return Address.of(self, "ship_to_")

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType | None:
        """The client the order belongs to."""
        row = await by_id(info.context, Client).load(self.client_id)
        return ClientType.from_row(row) if row else None

    @strawberry.field
    async def lines(self, info: Info[Context, None]) -> list[OrderLineType]:
        """The order's lines, by line number."""
        rows = await dataloaders.lines_by_order(info.context).load(self.id)
        return [OrderLineType.of(row, self.cancelled_at is not None) for row in rows]

    @strawberry.field
    async def fulfillment_orders(self, info: Info[Context, None]) -> list[FulfillmentOrderType]:
        """The warehouses' shares of the order, oldest first."""
        rows = await dataloaders.fulfillment_orders_by_order(info.context).load(self.id)
        return [FulfillmentOrderType.from_row(row) for row in rows]

    @strawberry.field
    async def holds(self, info: Info[Context, None]) -> list[OrderHoldType]:
        """Holds placed on the order, released ones included."""
        rows = await dataloaders.holds_by_order(info.context).load(self.id)
        return [OrderHoldType.from_row(row) for row in rows]
