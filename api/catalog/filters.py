"""Filtering and sorting warehouses and products."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.listing import SortDirection, sort_input


@strawberry.input(description="Which warehouses to list; all fields must match.")
class WarehouseFilterInput:
    code: str | None = strawberry.field(default=None, description="Exactly this code.")
    include_archived: bool = strawberry.field(
        default=False, description="Also list archived warehouses."
    )


WarehouseSort = sort_input(
    "Warehouse", "warehouses", ("CODE", "CREATED_AT", "UPDATED_AT"), direction=SortDirection.ASC
)


@strawberry.input(description="Which products to list; all fields must match.")
class ProductFilterInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Products of this client."
    )
    sku: str | None = strawberry.field(default=None, description="Exactly this SKU.")
    search: str | None = strawberry.field(
        default=None,
        description=(
            "SKU or name containing this text, ignoring case (a product picker's search); "
            "at most 100 characters."
        ),
    )
    include_archived: bool = strawberry.field(
        default=False, description="Also list archived products."
    )


ProductSort = sort_input(
    "Product", "products", ("SKU", "CREATED_AT", "UPDATED_AT"), direction=SortDirection.ASC
)
