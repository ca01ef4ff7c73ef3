"""GraphQL types of stock: levels, ledger movements, inbound shipments."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Self

import strawberry
from sqlalchemy import tuple_
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.catalog.types import ProductType, WarehouseType
from api.change_feed import change_connection
from api.context import Context, parse_uuid
from api.descriptions import described_enum
from api.relay import RowNode, by_id
from api.tenants.types import ClientType
from domain.catalog.models import Product, Warehouse
from domain.inventory.adjustments import AdjustmentReason
from domain.inventory.models import (
    InboundShipment,
    InboundShipmentLine,
    InboundStatus,
    InventoryLevel,
    InventoryMovement,
    MovementKind,
)
from tenants.models import Client
from tenants.unit_of_work import TenantUnitOfWork

MovementKindEnum = described_enum(
    MovementKind,
    name="MovementKind",
    description="Why stock moved.",
    values={
        MovementKind.RECEIPT: "Goods received into the warehouse.",
        MovementKind.ADJUSTMENT: "Changed by hand for a reason (found, lost, damaged, ...).",
        MovementKind.ALLOCATION: "Units promised to an order.",
        MovementKind.RELEASE: "A promise to an order given back (cancelled, re-routed).",
        MovementKind.SHIPMENT: "Units that left the building with a parcel.",
        MovementKind.RETURN: "Units that came back from a customer.",
        MovementKind.COUNT: "A physical count set on-hand units; the difference is booked.",
        MovementKind.EXPECTED: ("An inbound shipment announced or settled: moves only `incoming`."),
    },
)
InboundStatusEnum = described_enum(
    InboundStatus,
    name="InboundStatus",
    description="Where an inbound shipment stands.",
    values={
        InboundStatus.OPEN: "Announced; nothing received yet.",
        InboundStatus.RECEIVING: "Some goods received; more may come.",
        InboundStatus.CLOSED: "Settled: nothing more is expected.",
    },
)
AdjustmentReasonEnum = described_enum(
    AdjustmentReason,
    name="AdjustmentReason",
    description=(
        "Why stock is adjusted. found/lost/correction move on-hand units; damaged and "
        "qualityControlIn make units unsellable, qualityControlOut makes them sellable "
        "again, disposed removes damaged units from stock."
    ),
    values={
        AdjustmentReason.FOUND: "Units turned up: on-hand grows.",
        AdjustmentReason.LOST: "Units are gone: on-hand shrinks.",
        AdjustmentReason.CORRECTION: "A booking error put right: on-hand moves either way.",
        AdjustmentReason.DAMAGED: "Units can no longer be sold: they become unsellable.",
        AdjustmentReason.DISPOSED: "Damaged units thrown away: they leave on-hand.",
        AdjustmentReason.QUALITY_CONTROL_IN: "Units held for inspection: unsellable meanwhile.",
        AdjustmentReason.QUALITY_CONTROL_OUT: "Inspected units passed: sellable again.",
    },
)

LevelKey = tuple[uuid.UUID, uuid.UUID]


async def _product(info: Info[Context, None], product_id: uuid.UUID) -> ProductType:
    return ProductType.from_row(await by_id(info.context, Product).load(product_id))


async def _warehouse(info: Info[Context, None], warehouse_id: uuid.UUID) -> WarehouseType:
    return WarehouseType.from_row(await by_id(info.context, Warehouse).load(warehouse_id))


@strawberry.type(name="InventoryLevel")
class InventoryLevelType(RowNode):
    """Stock of one product in one warehouse."""

    __model__ = InventoryLevel
    id: relay.NodeID[str]
    on_hand: int = strawberry.field(description="Units in the building, sellable or not.")
    allocated: int = strawberry.field(description="Units promised to orders.")
    unsellable: int = strawberry.field(description="Damaged or held for quality control.")
    available: int = strawberry.field(description="onHand - allocated - unsellable.")
    incoming: int = strawberry.field(description="Still expected on open inbound shipments.")
    updated_at: datetime = strawberry.field(description="When any of its numbers last changed.")
    product_id: strawberry.Private[uuid.UUID]
    warehouse_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: Any) -> Self:
        """The level's fields; its id joins product and warehouse ids."""
        return cls(
            id=f"{row.product_id}.{row.warehouse_id}",
            on_hand=row.on_hand,
            allocated=row.allocated,
            unsellable=row.unsellable,
            available=row.available,
            incoming=row.incoming,
            updated_at=row.updated_at,
            product_id=row.product_id,
            warehouse_id=row.warehouse_id,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        keys = [_level_key(node_id) for node_id in node_ids]
        rows = await levels_by_key(info.context).load_many(keys)
        return [cls.from_row(row) if row is not None else None for row in rows]

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> ProductType:
        """The product stocked."""
        return await _product(info, self.product_id)

    @strawberry.field
    async def warehouse(self, info: Info[Context, None]) -> WarehouseType:
        """Where it is stocked."""
        return await _warehouse(info, self.warehouse_id)

    @strawberry.field
    async def low_stock(self, info: Info[Context, None]) -> bool:
        """Whether available units are below the product's reorder point."""
        product = await by_id(info.context, Product).load(self.product_id)
        return self.available < product.reorder_point


def _level_key(node_id: str) -> LevelKey | None:
    product, _, warehouse = node_id.partition(".")
    product_id, warehouse_id = parse_uuid(product), parse_uuid(warehouse)
    return (product_id, warehouse_id) if product_id and warehouse_id else None


def levels_by_key(context: Context) -> DataLoader[LevelKey | None, Any]:
    """The request's loader of levels by (product id, warehouse id), within the caller's scope."""

    async def load(keys: list[LevelKey | None]) -> list[Any]:
        wanted = sorted({key for key in keys if key is not None})
        rows = await context.read(_levels, wanted) if wanted else {}
        return [rows.get(key) if key else None for key in keys]

    return context.loader("levels_by_key", lambda: DataLoader(load_fn=load))


def _levels(uow: TenantUnitOfWork, keys: list[LevelKey]) -> dict[LevelKey, Any]:
    key = tuple_(InventoryLevel.product_id, InventoryLevel.warehouse_id)
    rows = uow.scalars(uow.select(InventoryLevel).where(key.in_(keys)))
    return {(row.product_id, row.warehouse_id): row for row in rows}


@strawberry.type(name="InventoryMovement")
class InventoryMovementType(RowNode):
    """One row of the append-only stock ledger: the change of each bucket, why and who."""

    __model__ = InventoryMovement
    id: relay.NodeID[str]
    kind: MovementKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="Why the stock moved."
    )
    on_hand_delta: int = strawberry.field(description="Change of on-hand units.")
    allocated_delta: int = strawberry.field(description="Change of allocated units.")
    unsellable_delta: int = strawberry.field(description="Change of unsellable units.")
    incoming_delta: int = strawberry.field(description="Change of incoming units.")
    reason: str | None = strawberry.field(
        description="The finer reason, e.g. an adjustment's `damaged` or `inbound_received`."
    )
    note: str | None = strawberry.field(description="What the person who moved it wrote.")
    actor: str = strawberry.field(description="The key (by prefix) or operator that moved it.")
    reference_type: str | None = strawberry.field(
        description="What the movement was for, e.g. inbound_shipment or order."
    )
    created_at: datetime = strawberry.field(description="When the stock moved.")
    reference_id: strawberry.Private[uuid.UUID | None]
    product_id: strawberry.Private[uuid.UUID]
    warehouse_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="Global id of what the movement was for, when it is a row.")
    def reference(self) -> relay.GlobalID | None:
        """The global id of the referenced row (its type named after `referenceType`)."""
        if self.reference_id is None or not self.reference_type:
            return None
        type_name = "".join(part.title() for part in self.reference_type.split("_"))
        return relay.GlobalID(type_name, str(self.reference_id))

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> ProductType:
        """The product that moved."""
        return await _product(info, self.product_id)

    @strawberry.field
    async def warehouse(self, info: Info[Context, None]) -> WarehouseType:
        """Where it moved."""
        return await _warehouse(info, self.warehouse_id)


@strawberry.type(name="InboundShipmentLine")
class InboundShipmentLineType(RowNode):
    """One product on an inbound shipment: expected and received so far."""

    __model__ = InboundShipmentLine
    id: relay.NodeID[str]
    expected_quantity: int = strawberry.field(description="Units announced.")
    received_quantity: int = strawberry.field(description="Units received so far.")
    product_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="Still expected: expected less received, never below zero.")
    def outstanding_quantity(self) -> int:
        """Units still expected."""
        return max(self.expected_quantity - self.received_quantity, 0)

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> ProductType:
        """The product expected."""
        return await _product(info, self.product_id)


@strawberry.type(name="InboundShipment")
class InboundShipmentType(RowNode):
    """An advance shipping notice: goods a client sends to a warehouse."""

    __model__ = InboundShipment
    id: relay.NodeID[str]
    reference: str = strawberry.field(description="The client's reference, unique per client.")
    status: InboundStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Where it stands."
    )
    expected_at: datetime | None = strawberry.field(
        description="When the client expects it to arrive, if it said."
    )
    closed_at: datetime | None = strawberry.field(
        description="When it was closed; null while goods are still expected."
    )
    created_at: datetime = strawberry.field(description="When it was announced.")
    client_id: strawberry.Private[uuid.UUID]
    warehouse_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType:
        """The client sending the goods."""
        return ClientType.from_row(await by_id(info.context, Client).load(self.client_id))

    @strawberry.field
    async def warehouse(self, info: Info[Context, None]) -> WarehouseType:
        """Where the goods go."""
        return await _warehouse(info, self.warehouse_id)

    @strawberry.field
    async def lines(self, info: Info[Context, None]) -> list[InboundShipmentLineType]:
        """The products expected, in product order."""
        rows = await lines_by_shipment(info.context).load(uuid.UUID(str(self.id)))
        return [InboundShipmentLineType.from_row(row) for row in rows]


def lines_by_shipment(context: Context) -> DataLoader[uuid.UUID, list[Any]]:
    """The request's loader of inbound shipment lines by shipment id."""

    async def load(ids: list[uuid.UUID]) -> list[list[Any]]:
        rows = await context.read(_lines, sorted(set(ids)))
        grouped: dict[uuid.UUID, list[Any]] = {}
        for row in rows:
            grouped.setdefault(row.inbound_shipment_id, []).append(row)
        return [grouped.get(i, []) for i in ids]

    return context.loader("inbound_lines_by_shipment", lambda: DataLoader(load_fn=load))


def _lines(uow: TenantUnitOfWork, ids: list[uuid.UUID]) -> list[Any]:
    stmt = uow.select(InboundShipmentLine).where(InboundShipmentLine.inbound_shipment_id.in_(ids))
    return list(uow.scalars(stmt.order_by(InboundShipmentLine.product_id)))


InventoryLevelConnection = change_connection(InventoryLevelType, "InventoryLevel", "stock levels")
