"""Filtering and sorting people."""

from __future__ import annotations

import strawberry

from api.listing import SortDirection, sort_input
from api.users.types import UserRoleEnum, UserStatusEnum


@strawberry.input(description="Which people to list; all fields must match.")
class UserFilterInput:
    status: list[UserStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="People in any of these states."
    )
    role: list[UserRoleEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="People with any of these roles."
    )
    email: str | None = strawberry.field(default=None, description="Exactly this address.")


UserSort = sort_input("User", "people", ("CREATED_AT", "UPDATED_AT"), direction=SortDirection.ASC)
