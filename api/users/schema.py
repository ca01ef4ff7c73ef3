"""Queries of people: the people the caller may manage."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.listing import any_of, read_page
from api.permissions import requires
from api.relay import Page
from api.users.filters import UserFilterInput, UserSort
from api.users.mutations import Mutation
from api.users.types import UserType
from tenants import queries
from tenants.roles import Role
from tenants.user_models import UserStatus

__all__ = ["Mutation", "Query"]


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[requires("users:read")])
    async def users(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: UserFilterInput | None = None,
        sort: UserSort | None = None,
    ) -> relay.Connection[UserType]:
        """People the caller may manage: all of a provider's, or a client's own."""
        where = filter or UserFilterInput()
        return await read_page(
            info,
            UserType,
            lambda scope: queries.users(
                scope,
                statuses=any_of(where.status, UserStatus),
                roles=any_of(where.role, Role),
                email=where.email,
            ),
            sort or UserSort(),
            Page.of(first, after),
        )
