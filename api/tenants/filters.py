"""Filtering and sorting clients, suppliers and API keys."""

from __future__ import annotations

from enum import Enum

import strawberry

from api.listing import Sort, SortDirection
from api.tenants.types import KeyKindEnum


@strawberry.input(description="Which clients to list; all fields must match.")
class ClientFilterInput:
    code: str | None = strawberry.field(default=None, description="Exactly this code.")


@strawberry.enum(description="What clients can be sorted by.")
class ClientSortField(Enum):
    CODE = "code"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="How to sort clients; by code by default.")
class ClientSort(Sort):
    field: ClientSortField = ClientSortField.CODE
    direction: SortDirection = SortDirection.ASC


@strawberry.input(description="Which suppliers to list; all fields must match.")
class SupplierFilterInput:
    code: str | None = strawberry.field(default=None, description="Exactly this code.")


@strawberry.enum(description="What suppliers can be sorted by.")
class SupplierSortField(Enum):
    CODE = "code"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="How to sort suppliers; by code by default.")
class SupplierSort(Sort):
    field: SupplierSortField = SupplierSortField.CODE
    direction: SortDirection = SortDirection.ASC


@strawberry.input(description="Which API keys to list; all fields must match.")
class ApiKeyFilterInput:
    kind: list[KeyKindEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Keys of any of these kinds."
    )
    revoked: bool | None = strawberry.field(
        default=None, description="true: only revoked keys; false: only live ones."
    )


@strawberry.enum(description="What API keys can be sorted by.")
class ApiKeySortField(Enum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="How to sort API keys; oldest first by default.")
class ApiKeySort(Sort):
    field: ApiKeySortField = ApiKeySortField.CREATED_AT
    direction: SortDirection = SortDirection.ASC
