"""Mutations of stock, each with its own payload: adjustments, counts, inbound shipments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from strawberry.types import Info

from api.context import Context
from api.inventory.inputs import (
    AdjustInventoryInput,
    CloseInboundShipmentInput,
    CreateInboundShipmentInput,
    InboundLineInput,
    ReceiveInboundShipmentInput,
    RecordCycleCountInput,
)
from api.inventory.types import InboundShipmentType, InventoryLevelType, InventoryMovementType
from api.mutations import Payload, decode_id, mutate, optional_id
from api.permissions import requires
from domain.inventory import adjustments, inbound
from services import stock
from tenants.unit_of_work import TenantUnitOfWork


@strawberry.type
class StockChangePayload(Payload):
    """What every stock change answers: the level as it is now and the ledger row."""

    level: InventoryLevelType | None = strawberry.field(
        default=None, description="The stock level after the change; null when refused."
    )
    movement: InventoryMovementType | None = strawberry.field(
        default=None, description="The ledger row; null when a count matched the books."
    )


@strawberry.type
class AdjustInventoryPayload(StockChangePayload):
    pass


@strawberry.type
class RecordCycleCountPayload(StockChangePayload):
    pass


@strawberry.type
class InboundShipmentChangePayload(Payload):
    """What every inbound shipment mutation answers: the shipment as it is now."""

    inbound_shipment: InboundShipmentType | None = strawberry.field(
        default=None, description="The inbound shipment after the change; null when refused."
    )


@strawberry.type
class CreateInboundShipmentPayload(InboundShipmentChangePayload):
    pass


@strawberry.type
class ReceiveInboundShipmentPayload(InboundShipmentChangePayload):
    pass


@strawberry.type
class CloseInboundShipmentPayload(InboundShipmentChangePayload):
    pass


S = TypeVar("S", bound=StockChangePayload)
N = TypeVar("N", bound=InboundShipmentChangePayload)


def _stock_change(kind: type[S]) -> Callable[[adjustments.StockChange], S]:
    def build(change: adjustments.StockChange) -> S:
        movement = change.movement
        return kind(
            level=InventoryLevelType.from_row(change.level),
            movement=InventoryMovementType.from_row(movement) if movement else None,
        )

    return build


def _inbound(kind: type[N]) -> Callable[[inbound.InboundResult], N]:
    return lambda result: kind(inbound_shipment=InboundShipmentType.from_row(result.shipment))


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
    ) -> AdjustInventoryPayload:
        """Change stock by hand for a reason; one ledger row."""

        def work(uow: TenantUnitOfWork) -> adjustments.StockChange:
            product_id, warehouse_id = _level_ids(input)
            return stock.adjust(
                uow, product_id, warehouse_id, input.quantity, input.reason, input.note
            )

        return await mutate(
            info, AdjustInventoryPayload, work, _stock_change(AdjustInventoryPayload)
        )

    @strawberry.mutation(permission_classes=[requires("inventory:write", provider_only=True)])
    async def record_cycle_count(
        self, info: Info[Context, None], input: RecordCycleCountInput
    ) -> RecordCycleCountPayload:
        """Set on-hand stock to a physical count; the difference is booked as a count."""

        def work(uow: TenantUnitOfWork) -> adjustments.StockChange:
            product_id, warehouse_id = _level_ids(input)
            return stock.record_count(
                uow, product_id, warehouse_id, input.counted_quantity, input.note
            )

        return await mutate(
            info, RecordCycleCountPayload, work, _stock_change(RecordCycleCountPayload)
        )

    @strawberry.mutation(permission_classes=[requires("inbound:write")])
    async def create_inbound_shipment(
        self, info: Info[Context, None], input: CreateInboundShipmentInput
    ) -> CreateInboundShipmentPayload:
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

        return await mutate(
            info, CreateInboundShipmentPayload, work, _inbound(CreateInboundShipmentPayload)
        )

    @strawberry.mutation(permission_classes=[requires("inventory:write", provider_only=True)])
    async def receive_inbound_shipment(
        self, info: Info[Context, None], input: ReceiveInboundShipmentInput
    ) -> ReceiveInboundShipmentPayload:
        """Book goods that arrived against an inbound shipment."""

        def work(uow: TenantUnitOfWork) -> inbound.InboundResult:
            shipment_id = decode_id(input.id, "InboundShipment", "id")
            return stock.receive_inbound_shipment(uow, shipment_id, _lines(input.lines), input.note)

        return await mutate(
            info, ReceiveInboundShipmentPayload, work, _inbound(ReceiveInboundShipmentPayload)
        )

    @strawberry.mutation(permission_classes=[requires("inventory:write", provider_only=True)])
    async def close_inbound_shipment(
        self, info: Info[Context, None], input: CloseInboundShipmentInput
    ) -> CloseInboundShipmentPayload:
        """Stop expecting what has not arrived."""
        return await mutate(
            info,
            CloseInboundShipmentPayload,
            lambda uow: inbound.close_inbound_shipment(
                uow, decode_id(input.id, "InboundShipment", "id")
            ),
            _inbound(CloseInboundShipmentPayload),
        )
