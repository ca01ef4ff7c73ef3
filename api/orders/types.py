"""GraphQL types of orders: Order, FulfillmentOrder and OrderHold are nodes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.addresses import Address
from api.catalog.types import ProductType, WarehouseType
from api.change_feed import change_connection
from api.context import Context
from api.descriptions import described_enum
from api.errors import UserError, user_errors
from api.orders import dataloaders
from api.relay import RowNode, node_by_id
from api.tenants.types import ClientType
from domain.orders.checking import CheckOutcome, OrderCheck
from domain.orders.models import (
    ExceptionReason,
    FulfillmentOrder,
    FulfillmentStatus,
    HoldReason,
    Order,
    OrderHold,
    OrderLine,
    OrderStatus,
    RejectionReason,
)
from domain.shipping.carriers.base import ServiceLevel

if TYPE_CHECKING:
    from api.routing.types import RoutingDecisionType
    from api.shipping.types import DispatchType, ShipmentType
    from api.suppliers.types import LineToShipType, SupplierLabelType
    from api.tenants.types import SupplierType

OrderStatusEnum = described_enum(
    OrderStatus,
    name="OrderStatus",
    description="Where an order stands.",
    values={
        OrderStatus.RECEIVED: "Accepted, not yet allocated.",
        OrderStatus.ON_HOLD: "Held back from fulfilment until every hold is released.",
        OrderStatus.ALLOCATED: "Every unit is reserved in a warehouse.",
        OrderStatus.PARTIALLY_ALLOCATED: "Some units are reserved; the rest wait for stock.",
        OrderStatus.BACKORDERED: "No unit is reserved yet; all wait for stock.",
        OrderStatus.PICKING: "A warehouse is picking it.",
        OrderStatus.PACKED: "Packed and waiting for the carrier.",
        OrderStatus.SHIPPED: "Every parcel is with a carrier.",
        OrderStatus.DELIVERED: "Every parcel has arrived.",
        OrderStatus.CANCELLED: "Cancelled before shipping; its stock was released.",
        OrderStatus.RETURNED: "Sent back after shipping.",
        OrderStatus.EXCEPTION: (
            "A fulfillment order could not be dispatched (a carrier refused it); an operator acts."
        ),
    },
)
FulfillmentStatusEnum = described_enum(
    FulfillmentStatus,
    name="FulfillmentStatus",
    description="Where a fulfillment order stands.",
    values={
        FulfillmentStatus.ALLOCATED: "Its units are reserved; work has not started.",
        FulfillmentStatus.PICKING: "Being picked.",
        FulfillmentStatus.PACKED: "Packed; waiting for a label and the carrier.",
        FulfillmentStatus.SHIPPED: "With the carrier.",
        FulfillmentStatus.DELIVERED: "Arrived.",
        FulfillmentStatus.CANCELLED: "Cancelled with its order; its units were released.",
        FulfillmentStatus.EXCEPTION: (
            "Dispatch failed for good (e.g. the carrier refused the address), or a supplier "
            "missed a deadline; exceptionReason says which. An operator acts."
        ),
    },
)
RejectionReasonEnum = described_enum(
    RejectionReason,
    name="RejectionReason",
    description="Why a supplier turned a fulfillment order down.",
    values={
        RejectionReason.OUT_OF_STOCK: "The supplier does not have the units.",
        RejectionReason.CANNOT_SHIP_TO_DESTINATION: "The supplier cannot ship to the address.",
        RejectionReason.DISCONTINUED: "The supplier no longer makes or sells the product.",
        RejectionReason.BELOW_MINIMUM_QUANTITY: "Fewer units than the supplier's minimum.",
        RejectionReason.OTHER: "Another reason; the note says which.",
    },
)
ExceptionReasonEnum = described_enum(
    ExceptionReason,
    name="FulfillmentExceptionReason",
    description="Why a fulfillment order is (or was) in EXCEPTION.",
    values={
        ExceptionReason.DISPATCH_FAILED: "The carrier refused it.",
        ExceptionReason.ACKNOWLEDGE_OVERDUE: "The supplier did not acknowledge it in time.",
        ExceptionReason.SHIP_OVERDUE: "The supplier did not ship it in time.",
    },
)
HoldReasonEnum = described_enum(
    HoldReason,
    name="HoldReason",
    description="Why an order is held.",
    values={
        HoldReason.AWAITING_PAYMENT: "The merchant has not been paid yet.",
        HoldReason.INCORRECT_ADDRESS: "The ship-to address needs correcting.",
        HoldReason.FRAUD_RISK: "The order looks fraudulent and is being checked.",
        HoldReason.CLIENT_REQUEST: "The client asked for it (the one reason a client may give).",
        HoldReason.OTHER: "Another reason, given in the note.",
        HoldReason.UNMAPPED_SKU: (
            "Imported from a sales channel with SKUs that name no product (listed in the hold's "
            "unmappedSkus, and its note); map them, then release."
        ),
    },
)
WHO = "Who did it: `key:<prefix>` for an API key, `operator` for the command line."
ServiceLevelEnum = described_enum(
    ServiceLevel,
    name="ServiceLevel",
    description="How fast an order is to be delivered.",
    values={
        ServiceLevel.STANDARD: "The carrier's usual speed.",
        ServiceLevel.EXPRESS: "Faster than standard, e.g. two days.",
        ServiceLevel.OVERNIGHT: "Delivered the next working day.",
    },
)


@strawberry.type(name="OrderLine")
class OrderLineType:
    """A SKU on an order and how much of it is reserved or still waiting."""

    line_number: int = strawberry.field(description="Position on the order, from 1.")
    sku: str = strawberry.field(description="The SKU as ordered.")
    quantity: int = strawberry.field(description="Units ordered.")
    allocated_quantity: int = strawberry.field(description="Units reserved in warehouses.")
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
    def product(self, info: Info[Context, None]) -> ProductType | None:
        """The product ordered."""
        return node_by_id(info, ProductType, self.product_id)  # looked ahead, or awaitable


@strawberry.type(name="FulfillmentOrderLine")
class FulfillmentOrderLineType:
    """How many units of a product one fulfillment order ships."""

    quantity: int = strawberry.field(description="Units it ships.")
    product_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    def product(self, info: Info[Context, None]) -> ProductType | None:
        """The product shipped."""
        return node_by_id(info, ProductType, self.product_id)  # looked ahead, or awaitable


@strawberry.type(name="FulfillmentOrder")
class FulfillmentOrderType(RowNode):
    """One source's share of an order: a warehouse's, or a drop-ship supplier's."""

    __model__ = FulfillmentOrder
    serves_rows = True
    id: relay.NodeID[str]
    status: FulfillmentStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Where it stands."
    )
    carrier: str | None = strawberry.field(description="Who carries the parcel, once shipped.")
    tracking_number: str | None = strawberry.field(
        description="The carrier's tracking number, once shipped."
    )
    shipped_at: datetime | None = strawberry.field(description="When the carrier took it.")
    delivered_at: datetime | None = strawberry.field(description="When it arrived.")
    created_at: datetime = strawberry.field(description="When routing created it.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    acknowledge_by: datetime | None = strawberry.field(
        description="A supplier's deadline to acknowledge it (its SLA); null without one."
    )
    ship_by: datetime | None = strawberry.field(
        description="A supplier's deadline to ship it (its SLA); null without one."
    )
    acknowledged_at: datetime | None = strawberry.field(
        description="When the supplier acknowledged it."
    )
    rejected_at: datetime | None = strawberry.field(description="When the supplier rejected it.")
    rejection_reason: RejectionReasonEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Why the supplier rejected it."
    )
    rejection_note: str | None = strawberry.field(description="What the supplier wrote.")
    exception_reason: ExceptionReasonEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Why it is in EXCEPTION; null otherwise."
    )
    overdue_at: datetime | None = strawberry.field(
        description="When the SLA sweep found it late; null if it never was."
    )
    order_id: strawberry.Private[uuid.UUID]
    warehouse_id: strawberry.Private[uuid.UUID | None]
    supplier_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def supplier(
        self, info: Info[Context, None]
    ) -> Annotated[SupplierType, strawberry.lazy("api.tenants.types")] | None:
        """The drop-ship supplier serving it; null when a warehouse does."""
        from api.suppliers.types import supplier_of

        return await supplier_of(info, self.supplier_id)

    @strawberry.field
    async def label(
        self, info: Info[Context, None]
    ) -> Annotated[SupplierLabelType, strawberry.lazy("api.suppliers.types")] | None:
        """For a supplier's fulfillment order, the label bought through Crossdock to print
        (`buySupplierLabel`); null until then, and for warehouses' (see `shipment`)."""
        from api.suppliers.types import label_of

        if self.supplier_id is None:
            return None
        return await label_of(info, uuid.UUID(str(self.id)))

    @strawberry.field
    async def label_refusal(self, info: Info[Context, None]) -> str | None:
        """For a supplier's fulfillment order in EXCEPTION because the carrier refused its
        label (`DISPATCH_FAILED`): the carrier's reason, to fix or ship otherwise; else null."""
        from api.suppliers.types import label_refusal_of

        if self.supplier_id is None:
            return None
        return await label_refusal_of(info, uuid.UUID(str(self.id)))

    @strawberry.field
    async def ship_to(self, info: Info[Context, None]) -> Address | None:
        """Where it goes: its order's ship-to address."""
        from api.suppliers.types import ship_to_of

        return await ship_to_of(info, uuid.UUID(str(self.id)))

    @strawberry.field
    async def lines_to_ship(
        self, info: Info[Context, None]
    ) -> list[Annotated[LineToShipType, strawberry.lazy("api.suppliers.types")]]:
        """What to ship, with the client's SKU and the supplier's; what a supplier reads."""
        from api.suppliers.types import lines_to_ship_of

        return await lines_to_ship_of(info, uuid.UUID(str(self.id)))

    @strawberry.field
    def warehouse(self, info: Info[Context, None]) -> WarehouseType | None:
        """Where it ships from; null when a drop-ship supplier serves it."""
        return node_by_id(info, WarehouseType, self.warehouse_id)  # looked ahead, or awaitable

    @strawberry.field
    def lines(self, info: Info[Context, None]) -> list[FulfillmentOrderLineType]:
        """What it ships."""
        return dataloaders.children(  # type: ignore[return-value]
            info, dataloaders.FULFILLMENT_LINES, self.id, _fulfillment_line
        )

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
    def order(self, info: Info[Context, None]) -> OrderType | None:
        """The order it is part of."""
        return node_by_id(info, OrderType, self.order_id)  # looked ahead, or awaitable


def _fulfillment_line(row: Any) -> FulfillmentOrderLineType:
    return FulfillmentOrderLineType(quantity=row.quantity, product_id=row.product_id)


@strawberry.type(name="OrderHold")
class OrderHoldType(RowNode):
    """A hold on an order; the order ships only when every hold is released."""

    __model__ = OrderHold
    serves_rows = True
    id: relay.NodeID[str]
    reason: HoldReasonEnum = strawberry.field(  # type: ignore[valid-type]
        description="Why the order is held."
    )
    note: str | None = strawberry.field(description="What the person who placed it wrote.")
    unmapped_skus: list[str] = strawberry.field(
        description=(
            "UNMAPPED_SKU: the channel SKUs that map to no product, as the import found them "
            "and each mapping of the shop since narrowed them (map them with "
            "setChannelSkuMapping); empty for every other reason."
        )
    )
    placed_by: str = strawberry.field(description=WHO)
    placed_at: datetime = strawberry.field(description="When it was placed.")
    released_by: str | None = strawberry.field(description=f"{WHO} Null while in force.")
    released_at: datetime | None = strawberry.field(
        description="When it was released; null while in force."
    )
    order_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    def order(self, info: Info[Context, None]) -> OrderType | None:
        """The held order."""
        return node_by_id(info, OrderType, self.order_id)  # looked ahead, or awaitable


@strawberry.type(name="Order")
class OrderType(RowNode):
    """A client's order."""

    __model__ = Order
    serves_rows = True
    id: relay.NodeID[str]
    external_reference: str = strawberry.field(
        description="The client's own id, unique per client."
    )
    status: OrderStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Where it stands."
    )
    service_level: ServiceLevelEnum = strawberry.field(  # type: ignore[valid-type]
        description="How fast it should travel."
    )
    created_at: datetime = strawberry.field(description="When it was received.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    cancelled_at: datetime | None = strawberry.field(
        description="When it was cancelled; null unless cancelled."
    )
    created_by: str = strawberry.field(description=WHO)
    tags: list[str] = strawberry.field(description="The client's labels for the order.")
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
    def client(self, info: Info[Context, None]) -> ClientType | None:
        """The client the order belongs to."""
        return node_by_id(info, ClientType, self.client_id)  # looked ahead, or awaitable

    @strawberry.field
    def lines(self, info: Info[Context, None]) -> list[OrderLineType]:
        """The order's lines, by line number."""
        cancelled = self.cancelled_at is not None
        return dataloaders.children(  # type: ignore[return-value]
            info, dataloaders.ORDER_LINES, self.id, lambda row: OrderLineType.of(row, cancelled)
        )

    @strawberry.field
    def fulfillment_orders(self, info: Info[Context, None]) -> list[FulfillmentOrderType]:
        """The sources' shares of the order (warehouses, suppliers), oldest first."""
        return dataloaders.children(  # type: ignore[return-value]
            info, dataloaders.ORDER_FULFILLMENTS, self.id, FulfillmentOrderType.from_row
        )

    @strawberry.field
    def holds(self, info: Info[Context, None]) -> list[OrderHoldType]:
        """Holds placed on the order, released ones included."""
        return dataloaders.children(  # type: ignore[return-value]
            info, dataloaders.ORDER_HOLDS, self.id, OrderHoldType.from_row
        )

    @strawberry.field
    async def routing_decisions(
        self, info: Info[Context, None]
    ) -> list[Annotated[RoutingDecisionType, strawberry.lazy("api.routing.types")]]:
        """How routing placed the order, oldest first: at creation, re-routes and overrides."""
        from api.routing.types import RoutingDecisionType

        rows = await dataloaders.decisions_by_order(info.context).load(self.id)
        return [RoutingDecisionType.of(row) for row in rows]


CheckOutcomeEnum = described_enum(
    CheckOutcome,
    name="OrderCheckOutcome",
    description="What creating a checked order would do now.",
    values={
        CheckOutcome.NEW: "It would be created.",
        CheckOutcome.EXISTING: (
            "An order with this reference and the same content exists: creating it again "
            "returns that order and creates nothing."
        ),
        CheckOutcome.INVALID: "It would be refused, for the userErrors given.",
    },
)


@strawberry.type(name="OrderCheck", description="The dry-run answer for one order of a batch.")
class OrderCheckType:
    index: int = strawberry.field(description="Its position in the list sent, from 0.")
    external_reference: str = strawberry.field(description="The reference as sent.")
    outcome: CheckOutcomeEnum = strawberry.field(  # type: ignore[valid-type]
        description="What createOrder would do with it now."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why it would be refused, with the field inside the order; empty otherwise."
    )

    @classmethod
    def from_check(cls, check: OrderCheck, external_reference: str) -> OrderCheckType:
        """The GraphQL form of a domain check of the order sent with `external_reference`."""
        return cls(
            index=check.index,
            external_reference=external_reference,
            outcome=check.outcome,
            user_errors=user_errors(check.error) if check.error else [],
        )


@strawberry.type(name="OrderStatusCount", description="How many orders stand in one state.")
class OrderStatusCountType:
    status: OrderStatusEnum = strawberry.field(description="The state.")  # type: ignore[valid-type]
    count: int = strawberry.field(description="How many of the matching orders are in it.")


OrderConnection = change_connection(OrderType, "Order", "orders")
