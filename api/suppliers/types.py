"""GraphQL types of the supplier side: catalog links, supplier stock and its movements."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry
from sqlalchemy.orm import Session
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.addresses import Address
from api.catalog.types import ProductType
from api.context import Context
from api.descriptions import described_enum
from api.money import Money
from api.relay import RowNode, by_id
from api.shipping.types import LabelFormatEnum
from api.tenants.types import SupplierType
from domain.catalog.models import Product
from domain.suppliers import queries
from domain.suppliers.models import SupplierMovementKind, SupplierProduct, SupplierStockMovement
from tenants.models import Supplier
from tenants.scope import TenantScope

SupplierMovementKindEnum = described_enum(
    SupplierMovementKind,
    name="SupplierMovementKind",
    description="Why a supplier's stock moved.",
    values={
        SupplierMovementKind.REPORT: "The supplier reported what it can ship (API or CSV).",
        SupplierMovementKind.ALLOCATION: "Units promised to a fulfillment order routed to it.",
        SupplierMovementKind.RELEASE: "Promised units given back (rejected, cancelled).",
        SupplierMovementKind.SHIPMENT: "Units the supplier shipped.",
    },
)


@strawberry.type
class SupplierStockLevel:
    """What a supplier holds of one product: always the sums of its movements."""

    on_hand: int = strawberry.field(description="Units the supplier can ship in all.")
    allocated: int = strawberry.field(description="Units promised to open fulfillment orders.")
    available: int = strawberry.field(description="Units that can still be routed to it.")
    updated_at: datetime = strawberry.field(description="When it last changed.")


@strawberry.type(name="SupplierProduct")
class SupplierProductType(RowNode):
    """A supplier's offer of one client product: its SKU, cost, lead time and minimum."""

    __model__ = SupplierProduct
    id: relay.NodeID[str]
    supplier_sku: str = strawberry.field(description="The supplier's own SKU for it.")
    lead_time_days: int = strawberry.field(description="Days the supplier needs to ship.")
    min_quantity: int = strawberry.field(description="Fewest units the supplier ships a line.")
    active: bool = strawberry.field(description="Whether routing may send it work.")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    unit_cost_amount: strawberry.Private[Decimal]
    currency: strawberry.Private[str]
    supplier_id: strawberry.Private[uuid.UUID]
    product_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: SupplierProduct) -> SupplierProductType:  # type: ignore[override]
        """The type of a link row (its cost becomes Money)."""
        return cls(
            id=row.id,  # type: ignore[arg-type]
            supplier_sku=row.supplier_sku,
            lead_time_days=row.lead_time_days,
            min_quantity=row.min_quantity,
            active=row.active,
            created_at=row.created_at,
            updated_at=row.updated_at,
            unit_cost_amount=row.unit_cost,
            currency=row.currency,
            supplier_id=row.supplier_id,
            product_id=row.product_id,
        )

    @strawberry.field
    def unit_cost(self) -> Money:
        """What the supplier charges per unit."""
        return Money.of(self.unit_cost_amount, self.currency)  # type: ignore[return-value]

    @strawberry.field
    async def supplier(self, info: Info[Context, None]) -> SupplierType | None:
        """The supplier."""
        return await supplier_of(info, self.supplier_id)

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> ProductType | None:
        """The client's product; null for a supplier's key, which cannot read products."""
        row = await by_id(info.context, Product).load(self.product_id)
        return ProductType.from_row(row) if row else None

    @strawberry.field
    async def stock(self, info: Info[Context, None]) -> SupplierStockLevel | None:
        """What the supplier holds of it; null until it first reports."""
        row = await _loader(info.context, queries.stock_by_link).load(uuid.UUID(str(self.id)))
        if row is None:
            return None
        return SupplierStockLevel(
            on_hand=row.on_hand,
            allocated=row.allocated,
            available=row.available,
            updated_at=row.updated_at,
        )


@strawberry.type(name="SupplierStockMovement")
class SupplierStockMovementType(RowNode):
    """One append-only row of a supplier's stock ledger."""

    __model__ = SupplierStockMovement
    id: relay.NodeID[str]
    kind: SupplierMovementKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="Why the stock moved."
    )
    on_hand_delta: int = strawberry.field(description="Change of on-hand units.")
    allocated_delta: int = strawberry.field(description="Change of promised units.")
    reason: str | None = strawberry.field(description="Why, in words.")
    actor: str = strawberry.field(description="Who: `key:<prefix>` or `operator`.")
    created_at: datetime = strawberry.field(description="When it happened.")
    supplier_id: strawberry.Private[uuid.UUID]
    product_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def supplier(self, info: Info[Context, None]) -> SupplierType | None:
        """The supplier whose stock moved."""
        return await supplier_of(info, self.supplier_id)


@strawberry.type(name="LineToShip")
class LineToShipType:
    """One line of a fulfillment order as its shipper reads it."""

    sku: str = strawberry.field(description="The client's SKU.")
    supplier_sku: str | None = strawberry.field(
        description="The supplier's own SKU; null when a warehouse ships it."
    )
    quantity: int = strawberry.field(description="Units to ship.")


async def supplier_of(info: Info[Context, None], supplier_id: uuid.UUID | None) -> Any:
    """The supplier by id, if the caller may see it."""
    if supplier_id is None:
        return None
    row = await by_id(info.context, Supplier).load(supplier_id)
    return SupplierType.from_row(row) if row else None


async def ship_to_of(info: Info[Context, None], fulfillment_id: uuid.UUID) -> Address | None:
    """A fulfillment order's ship-to address, through the caller's view of it."""
    found = await _loader(info.context, queries.ship_to_by_fulfillment_order).load(fulfillment_id)
    return Address.of(found) if found is not None else None


async def lines_to_ship_of(
    info: Info[Context, None], fulfillment_id: uuid.UUID
) -> list[LineToShipType]:
    """A fulfillment order's lines with SKUs, through the caller's view of it."""
    lines = await _loader(info.context, queries.lines_to_ship).load(fulfillment_id)
    return [
        LineToShipType(sku=line.sku, supplier_sku=line.supplier_sku, quantity=line.quantity)
        for line in lines or []
    ]


Batch = Callable[[Session, TenantScope, Sequence[uuid.UUID]], dict[uuid.UUID, Any]]


def _loader(context: Context, query: Any) -> DataLoader[uuid.UUID, Any]:
    async def load(keys: list[uuid.UUID]) -> list[Any]:
        found = await context.read(query, list(keys))
        return [found.get(key) for key in keys]

    return context.loader(("suppliers", query), lambda: DataLoader(load_fn=load))


@strawberry.type(
    name="SupplierLabel",
    description="The label Crossdock bought for a supplier's fulfillment order, to print.",
)
class SupplierLabelType:
    carrier: str = strawberry.field(description="The carrier account's name.")
    service: str = strawberry.field(description="The carrier's service bought, e.g. `ground`.")
    tracking_number: str = strawberry.field(description="The carrier's tracking number.")
    label_format: LabelFormatEnum = strawberry.field(  # type: ignore[valid-type]
        description="The label file's format."
    )
    content: strawberry.Private[bytes]

    @strawberry.field
    def label_base64(self) -> str:
        """The label file (ZPL or PDF), base64-encoded."""
        return base64.b64encode(self.content).decode()


async def label_refusal_of(info: Info[Context, None], fulfillment_id: uuid.UUID) -> str | None:
    """Why the carrier refused a supplier fulfillment order's label, through the caller's view."""
    return await _loader(info.context, queries.label_refusals_by_fulfillment_order).load(
        fulfillment_id
    )


async def label_of(
    info: Info[Context, None], fulfillment_id: uuid.UUID
) -> SupplierLabelType | None:
    """A supplier fulfillment order's bought label, through the caller's view of it."""
    found = await _loader(info.context, queries.labels_by_fulfillment_order).load(fulfillment_id)
    if found is None:
        return None
    return SupplierLabelType(
        carrier=found.carrier,
        service=found.service,
        tracking_number=found.tracking_number,
        label_format=found.label_format,
        content=found.content,
    )
