"""Queries and mutations of stock: levels, movements, adjustments, counts, inbound shipments."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.inventory.types import (
    AdjustmentReasonEnum,
    InboundShipmentType,
    InboundStatusEnum,
    InventoryLevelType,
    InventoryMovementType,
    MovementKindEnum,
)
from api.listing import filter_id, read_page
from api.mutations import Payload, decode_id, mutate, optional_id
from api.permissions import requires
from api.relay import Page
from domain.inventory import adjustments, inbound, queries
from tenants.unit_of_work import TenantUnitOfWork


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[requires("inventory:read")])
    async def inventory_levels(
        self,
        info: Info[Context, None],
        warehouse_id: relay.GlobalID | None = None,
        product_id: relay.GlobalID | None = None,
        sku: str | None = None,
        low_stock: Annotated[
            bool | None,
            strawberry.argument(
                description="true: only levels whose available units are below the reorder point."
            ),
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[InventoryLevelType]:
        """Stock per product and warehouse that the caller may see."""
        warehouse = filter_id(warehouse_id, "Warehouse")
        product = filter_id(product_id, "Product")
        return await read_page(
            info,
            InventoryLevelType,
            lambda scope: queries.levels(
                scope, warehouse_id=warehouse, product_id=product, sku=sku, low_stock=low_stock
            ),
            ("product_id", "warehouse_id"),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[requires("inventory:read")])
    async def inventory_movements(
        self,
        info: Info[Context, None],
        product_id: relay.GlobalID | None = None,
        warehouse_id: relay.GlobalID | None = None,
        kind: MovementKindEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[InventoryMovementType]:
        """The stock ledger, newest first."""
        product = filter_id(product_id, "Product")
        warehouse = filter_id(warehouse_id, "Warehouse")
        return await read_page(
            info,
            InventoryMovementType,
            lambda scope: queries.movements(
                scope, product_id=product, warehouse_id=warehouse, kind=kind
            ),
            ("id",),
            Page.of(first, after),
            descending=True,
        )

    @strawberry.field(permission_classes=[requires("inventory:read")])
    async def inbound_shipments(
        self,
        info: Info[Context, None],
        client_id: relay.GlobalID | None = None,
        warehouse_id: relay.GlobalID | None = None,
        status: InboundStatusEnum | None = None,  # type: ignore[valid-type]
        reference: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[InboundShipmentType]:
        """Inbound shipments the caller may see, newest first."""
        client = filter_id(client_id, "Client")
        warehouse = filter_id(warehouse_id, "Warehouse")
        return await read_page(
            info,
            InboundShipmentType,
            lambda scope: queries.inbound_shipments(
                scope, client_id=client, warehouse_id=warehouse, status=status, reference=reference
            ),
            ("id",),
            Page.of(first, after),
            descending=True,
        )


@strawberry.input
class AdjustInventoryInput:
    product_id: relay.GlobalID
    warehouse_id: relay.GlobalID
    quantity: int = strawberry.field(
        description="Signed change; found: > 0, lost: < 0, correction: either, ..."
    )
    reason: AdjustmentReasonEnum  # type: ignore[valid-type]
    note: str | None = None


@strawberry.input
class RecordCycleCountInput:
    product_id: relay.GlobalID
    warehouse_id: relay.GlobalID
    counted_quantity: int = strawberry.field(description="Units found on hand, sellable or not.")
    note: str | None = None


@strawberry.type
class StockChangePayload(Payload):
    level: InventoryLevelType | None = None
    movement: InventoryMovementType | None = strawberry.field(
        default=None, description="The ledger row; null when a count matched the books."
    )


@strawberry.input
class InboundLineInput:
    product_id: relay.GlobalID
    quantity: int


@strawberry.input
class CreateInboundShipmentInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for provider keys; a client key sends its own."
    )
    warehouse_id: relay.GlobalID
    reference: str = strawberry.field(description="Unique per client.")
    expected_at: datetime | None = None
    lines: list[InboundLineInput]


@strawberry.input
class ReceiveInboundShipmentInput:
    id: relay.GlobalID
    lines: list[InboundLineInput] = strawberry.field(
        description="What arrived now; more or less than expected is fine."
    )
    note: str | None = None


@strawberry.input
class CloseInboundShipmentInput:
    id: relay.GlobalID


@strawberry.type
class InboundShipmentPayload(Payload):
    inbound_shipment: InboundShipmentType | None = None


def _stock_change(change: adjustments.StockChange) -> StockChangePayload:
    movement = change.movement
    return StockChangePayload(
        level=InventoryLevelType.from_row(change.level),
        movement=InventoryMovementType.from_row(movement) if movement else None,
    )


def _inbound(result: inbound.InboundResult) -> InboundShipmentPayload:
    return InboundShipmentPayload(inbound_shipment=InboundShipmentType.from_row(result.shipment))


def _lines(lines: list[InboundLineInput]) -> list[inbound.LineQuantity]:
    return [
        inbound.LineQuantity(
            decode_id(line.product_id, "Product", f"lines.{i}.productId"), line.quantity
        )
        for i, line in enumerate(lines)
    ]


def _level_ids(input: AdjustInventoryInput | RecordCycleCountInput) -> tuple[Any, Any]:
    return (
        decode_id(input.product_id, "Product", "productId"),
        decode_id(input.warehouse_id, "Warehouse", "warehouseId"),
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[requires("inventory:write", provider_only=True)])
    async def adjust_inventory(
        self, info: Info[Context, None], input: AdjustInventoryInput
    ) -> StockChangePayload:
        """Change stock by hand for a reason; one ledger row."""

        def work(uow: TenantUnitOfWork) -> adjustments.StockChange:
            product_id, warehouse_id = _level_ids(input)
            return adjustments.adjust(
                uow, product_id, warehouse_id, input.quantity, input.reason, input.note
            )

        return await mutate(info, StockChangePayload, work, _stock_change)

    @strawberry.mutation(permission_classes=[requires("inventory:write", provider_only=True)])
    async def record_cycle_count(
        self, info: Info[Context, None], input: RecordCycleCountInput
    ) -> StockChangePayload:
        """Set on-hand stock to a physical count; the difference is booked as a count."""

        def work(uow: TenantUnitOfWork) -> adjustments.StockChange:
            product_id, warehouse_id = _level_ids(input)
            return adjustments.record_count(
                uow, product_id, warehouse_id, input.counted_quantity, input.note
            )

        return await mutate(info, StockChangePayload, work, _stock_change)

    @strawberry.mutation(permission_classes=[requires("inbound:write")])
    async def create_inbound_shipment(
        self, info: Info[Context, None], input: CreateInboundShipmentInput
    ) -> InboundShipmentPayload:
        """Announce goods on their way to a warehouse."""

        def work(uow: TenantUnitOfWork) -> inbound.InboundResult:
            return inbound.create_inbound_shipment(
                uow,
                client_id=optional_id(input.client_id, "Client", "clientId"),
                warehouse_id=decode_id(input.warehouse_id, "Warehouse", "warehouseId"),
                reference=input.reference,
                lines=_lines(input.lines),
                expected_at=input.expected_at,
            )

        return await mutate(info, InboundShipmentPayload, work, _inbound)

    @strawberry.mutation(permission_classes=[requires("inventory:write", provider_only=True)])
    async def receive_inbound_shipment(
        self, info: Info[Context, None], input: ReceiveInboundShipmentInput
    ) -> InboundShipmentPayload:
        """Book goods that arrived against an inbound shipment."""

        def work(uow: TenantUnitOfWork) -> inbound.InboundResult:
            shipment_id = decode_id(input.id, "InboundShipment", "id")
            return inbound.receive_inbound_shipment(
                uow, shipment_id, _lines(input.lines), input.note
            )

        return await mutate(info, InboundShipmentPayload, work, _inbound)

    @strawberry.mutation(permission_classes=[requires("inventory:write", provider_only=True)])
    async def close_inbound_shipment(
        self, info: Info[Context, None], input: CloseInboundShipmentInput
    ) -> InboundShipmentPayload:
        """Stop expecting what has not arrived."""
        return await mutate(
            info,
            InboundShipmentPayload,
            lambda uow: inbound.close_inbound_shipment(
                uow, decode_id(input.id, "InboundShipment", "id")
            ),
            _inbound,
        )
