"""Filtering and sorting clients, suppliers and API keys."""

from __future__ import annotations

import strawberry

from api.listing import SortDirection, sort_input
from api.tenants.types import KeyKindEnum


@strawberry.input(description="Which clients to list; all fields must match.")
class ClientFilterInput:
    code: str | None = strawberry.field(default=None, description="Exactly this code.")


ClientSort = sort_input(
    "Client", "clients", ("CODE", "CREATED_AT", "UPDATED_AT"), direction=SortDirection.ASC
)


@strawberry.input(description="Which suppliers to list; all fields must match.")
class SupplierFilterInput:
    code: str | None = strawberry.field(default=None, description="Exactly this code.")


SupplierSort = sort_input(
    "Supplier", "suppliers", ("CODE", "CREATED_AT", "UPDATED_AT"), direction=SortDirection.ASC
)


@strawberry.input(description="Which API keys to list; all fields must match.")
class ApiKeyFilterInput:
    kind: list[KeyKindEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Keys of any of these kinds."
    )
    revoked: bool | None = strawberry.field(
        default=None, description="true: only revoked keys; false: only live ones."
    )


ApiKeySort = sort_input(
    "ApiKey", "API keys", ("CREATED_AT", "UPDATED_AT"), direction=SortDirection.ASC
)
