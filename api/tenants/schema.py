"""Queries of tenancy: who is calling, clients, suppliers and API keys."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.listing import any_of, read_page
from api.permissions import authenticated, requires
from api.relay import Page
from api.tenants.filters import (
    ApiKeyFilterInput,
    ApiKeySort,
    ClientFilterInput,
    ClientSort,
    SupplierFilterInput,
    SupplierSort,
)
from api.tenants.mutations import Mutation
from api.tenants.types import ApiKeyType, ClientType, SupplierType, Viewer
from tenants import queries
from tenants.models import KeyKind

__all__ = ["Mutation", "Query"]


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[authenticated])
    async def viewer(self, info: Info[Context, None]) -> Viewer:
        """Who is calling: key kind (or the person's tenant kind), provider, client, scopes,
        and the signed-in person for a session."""
        scope = await info.context.scope()
        return Viewer(
            kind=scope.kind,
            scopes=sorted(scope.granted),
            key_prefix=scope.key_prefix,
            provider_id=scope.provider_id,
            client_id=scope.client_id,
            supplier_id=scope.supplier_id,
            user_id=scope.user_id,
        )

    @strawberry.field(permission_classes=[requires("clients:read", provider_only=True)])
    async def clients(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: ClientFilterInput | None = None,
        sort: ClientSort | None = None,
    ) -> relay.Connection[ClientType]:
        """The provider's clients, by code unless sorted otherwise."""
        code = filter.code if filter else None
        return await read_page(
            info,
            ClientType,
            lambda scope: queries.clients(scope, code=code),
            sort or ClientSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[requires("clients:read", provider_only=True)])
    async def suppliers(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: SupplierFilterInput | None = None,
        sort: SupplierSort | None = None,
    ) -> relay.Connection[SupplierType]:
        """The provider's drop-ship suppliers, by code unless sorted otherwise."""
        code = filter.code if filter else None
        return await read_page(
            info,
            SupplierType,
            lambda scope: queries.suppliers(scope, code=code),
            sort or SupplierSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[requires("keys:read")])
    async def api_keys(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: ApiKeyFilterInput | None = None,
        sort: ApiKeySort | None = None,
    ) -> relay.Connection[ApiKeyType]:
        """Keys the caller may manage: all of a provider's, or a client's own."""
        where = filter or ApiKeyFilterInput()
        return await read_page(
            info,
            ApiKeyType,
            lambda scope: queries.api_keys(
                scope, kinds=any_of(where.kind, KeyKind), revoked=where.revoked
            ),
            sort or ApiKeySort(),
            Page.of(first, after),
        )
