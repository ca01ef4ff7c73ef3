"""Filtering and sorting stock levels, movements and inbound shipments."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry import relay

from api.inventory.types import InboundStatusEnum, MovementKindEnum
from api.listing import Sort, SortDirection


@strawberry.input(description="Which stock levels to list; all fields must match.")
class InventoryLevelFilterInput:
    warehouse_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Levels in this warehouse."
    )
    product_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Levels of this product."
    )
    sku: str | None = strawberry.field(
        default=None, description="Levels of products with this SKU."
    )
    low_stock: bool | None = strawberry.field(
        default=None,
        description="true: only levels whose available units are below the reorder point; "
        "false: only the others.",
    )


@strawberry.enum(description="What stock levels can be sorted by.")
class InventoryLevelSortField(Enum):
    PRODUCT = "product_id"
    UPDATED_AT = "updated_at"


@strawberry.input(description="How to sort stock levels; by product by default.")
class InventoryLevelSort(Sort):
    tie_breaker = ("product_id", "warehouse_id")
    field: InventoryLevelSortField = InventoryLevelSortField.PRODUCT
    direction: SortDirection = SortDirection.ASC


@strawberry.input(description="Which ledger rows to list; all fields must match.")
class InventoryMovementFilterInput:
    product_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Movements of this product."
    )
    warehouse_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Movements in this warehouse."
    )
    kind: list[MovementKindEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Movements of any of these kinds."
    )


@strawberry.enum(description="What ledger rows can be sorted by (they never change).")
class InventoryMovementSortField(Enum):
    CREATED_AT = "created_at"


@strawberry.input(description="How to sort ledger rows; newest first by default.")
class InventoryMovementSort(Sort):
    field: InventoryMovementSortField = InventoryMovementSortField.CREATED_AT
    direction: SortDirection = SortDirection.DESC


@strawberry.input(description="Which inbound shipments to list; all fields must match.")
class InboundShipmentFilterInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Shipments of this client."
    )
    warehouse_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Shipments to this warehouse."
    )
    status: list[InboundStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Shipments in any of these states."
    )
    reference: str | None = strawberry.field(
        default=None, description="Exactly this client reference."
    )


@strawberry.enum(description="What inbound shipments can be sorted by.")
class InboundShipmentSortField(Enum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="How to sort inbound shipments; newest first by default.")
class InboundShipmentSort(Sort):
    field: InboundShipmentSortField = InboundShipmentSortField.CREATED_AT
    direction: SortDirection = SortDirection.DESC
