"""Queries and mutations of tenancy."""

from __future__ import annotations

import strawberry
from sqlalchemy.orm import Session
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.listing import any_of, read_page
from api.mutations import Payload, decode_id, mutate, optional_id
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
from api.tenants.types import ApiKeyType, ClientType, KeyKindEnum, SupplierType, Viewer
from tenants import queries, service
from tenants.models import KeyKind
from tenants.scope import TenantScope


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[authenticated])
    async def viewer(self, info: Info[Context, None]) -> Viewer:
        """Who is calling: key kind, provider, client, scopes."""
        scope = await info.context.scope()
        return Viewer(
            kind=scope.kind,
            scopes=sorted(scope.granted),
            key_prefix=scope.key_prefix,
            provider_id=scope.provider_id,
            client_id=scope.client_id,
            supplier_id=scope.supplier_id,
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


@strawberry.input
class CreateClientInput:
    code: str = strawberry.field(description="Short code, unique within the provider.")
    name: str


@strawberry.type
class CreateClientPayload(Payload):
    client: ClientType | None = None


@strawberry.input
class CreateSupplierInput:
    code: str
    name: str


@strawberry.type
class CreateSupplierPayload(Payload):
    supplier: SupplierType | None = None


@strawberry.input
class CreateApiKeyInput:
    name: str
    kind: KeyKindEnum  # type: ignore[valid-type]
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="For a client key; a client key defaults to its own client."
    )
    supplier_id: relay.GlobalID | None = None
    scopes: list[str] | None = strawberry.field(
        default=None, description="Defaults to the usual scopes of the kind."
    )


@strawberry.type
class CreateApiKeyPayload(Payload):
    api_key: ApiKeyType | None = None
    plaintext_key: str | None = strawberry.field(
        default=None, description="The key itself. Shown once; store it now."
    )


@strawberry.input
class RevokeApiKeyInput:
    id: relay.GlobalID


@strawberry.type
class RevokeApiKeyPayload(Payload):
    api_key: ApiKeyType | None = None


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[requires("clients:write", provider_only=True)])
    async def create_client(
        self, info: Info[Context, None], input: CreateClientInput
    ) -> CreateClientPayload:
        """Add a client to the provider."""
        return await mutate(
            info,
            CreateClientPayload,
            lambda session, scope: service.create_client(session, scope, input.code, input.name),
            lambda client: CreateClientPayload(client=ClientType.from_row(client)),
        )

    @strawberry.mutation(permission_classes=[requires("clients:write", provider_only=True)])
    async def create_supplier(
        self, info: Info[Context, None], input: CreateSupplierInput
    ) -> CreateSupplierPayload:
        """Add a drop-ship supplier to the provider."""
        return await mutate(
            info,
            CreateSupplierPayload,
            lambda session, scope: service.create_supplier(session, scope, input.code, input.name),
            lambda supplier: CreateSupplierPayload(supplier=SupplierType.from_row(supplier)),
        )

    @strawberry.mutation(permission_classes=[requires("keys:write")])
    async def create_api_key(
        self, info: Info[Context, None], input: CreateApiKeyInput
    ) -> CreateApiKeyPayload:
        """Make a key; its plaintext is in the payload and nowhere else, ever."""

        def work(session: Session, scope: TenantScope) -> service.CreatedKey:
            return service.create_api_key(
                session,
                scope,
                name=input.name,
                kind=input.kind,
                client_id=optional_id(input.client_id, "Client", "clientId"),
                supplier_id=optional_id(input.supplier_id, "Supplier", "supplierId"),
                scopes=input.scopes,
            )

        return await mutate(
            info,
            CreateApiKeyPayload,
            work,
            lambda created: CreateApiKeyPayload(
                api_key=ApiKeyType.from_row(created.key), plaintext_key=created.plaintext
            ),
        )

    @strawberry.mutation(permission_classes=[requires("keys:write")])
    async def revoke_api_key(
        self, info: Info[Context, None], input: RevokeApiKeyInput
    ) -> RevokeApiKeyPayload:
        """Revoke a key at once; requests with it are refused from now on."""
        return await mutate(
            info,
            RevokeApiKeyPayload,
            lambda session, scope: service.revoke_api_key(
                session, scope, decode_id(input.id, "ApiKey", "id")
            ),
            lambda key: RevokeApiKeyPayload(api_key=ApiKeyType.from_row(key)),
        )
