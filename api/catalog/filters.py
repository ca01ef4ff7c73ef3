"""Filtering and sorting warehouses and products."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry import relay

from api.listing import Sort, SortDirection


@strawberry.input(description="Which warehouses to list; all fields must match.")
class WarehouseFilterInput:
    code: str | None = strawberry.field(default=None, description="Exactly this code.")
    include_archived: bool = strawberry.field(
        default=False, description="Also list archived warehouses."
    )


@strawberry.enum(description="What warehouses can be sorted by.")
class WarehouseSortField(Enum):
    CODE = "code"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="How to sort warehouses; by code by default.")
class WarehouseSort(Sort):
    field: WarehouseSortField = WarehouseSortField.CODE
    direction: SortDirection = SortDirection.ASC


@strawberry.input(description="Which products to list; all fields must match.")
class ProductFilterInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Products of this client."
    )
    sku: str | None = strawberry.field(default=None, description="Exactly this SKU.")
    include_archived: bool = strawberry.field(
        default=False, description="Also list archived products."
    )


@strawberry.enum(description="What products can be sorted by.")
class ProductSortField(Enum):
    SKU = "sku"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="How to sort products; by SKU by default.")
class ProductSort(Sort):
    field: ProductSortField = ProductSortField.SKU
    direction: SortDirection = SortDirection.ASC
