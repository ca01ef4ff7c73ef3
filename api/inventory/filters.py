"""Filtering and sorting stock levels, movements and inbound shipments."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.inventory.types import InboundStatusEnum, MovementKindEnum
from api.listing import SortDirection, sort_input


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


InventoryLevelSort = sort_input(
    "InventoryLevel",
    "stock levels",
    ("PRODUCT", "UPDATED_AT"),
    direction=SortDirection.ASC,
    tie_breaker=("product_id", "warehouse_id"),
)


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


InventoryMovementSort = sort_input(
    "InventoryMovement", "ledger rows", ("CREATED_AT",), direction=SortDirection.DESC
)


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


InboundShipmentSort = sort_input(
    "InboundShipment",
    "inbound shipments",
    ("CREATED_AT", "UPDATED_AT"),
    direction=SortDirection.DESC,
)
