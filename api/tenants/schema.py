"""Queries and mutations of tenancy."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.mutations import Payload, decode_id, mutate, optional_id
from api.permissions import authenticated, requires
from api.relay import Page, connection, keyset_page
from api.tenants.types import ApiKeyType, ClientType, KeyKindEnum, SupplierType, Viewer
from tenants import service
from tenants.models import ApiKey, Client, Supplier
from tenants.unit_of_work import TenantUnitOfWork


def _page_of(model: type[Any], order: tuple[str, ...], page: Page):
    def run(uow: TenantUnitOfWork) -> tuple[list[Any], bool]:
        columns = [getattr(model, name) for name in order]
        return keyset_page(uow.session, uow.select(model), columns, page)

    return run


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
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> relay.Connection[ClientType]:
        """The provider's clients, by code."""
        page = Page.of(first, after)
        rows, more = await info.context.read(_page_of(Client, ("code",), page))
        return connection(ClientType, rows, more, ("code",), page)

    @strawberry.field(permission_classes=[requires("clients:read", provider_only=True)])
    async def suppliers(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> relay.Connection[SupplierType]:
        """The provider's drop-ship suppliers, by code."""
        page = Page.of(first, after)
        rows, more = await info.context.read(_page_of(Supplier, ("code",), page))
        return connection(SupplierType, rows, more, ("code",), page)

    @strawberry.field(permission_classes=[requires("keys:read")])
    async def api_keys(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> relay.Connection[ApiKeyType]:
        """Keys the caller may manage: all of a provider's, or a client's own."""
        page = Page.of(first, after)
        rows, more = await info.context.read(_page_of(ApiKey, ("id",), page))
        return connection(ApiKeyType, rows, more, ("id",), page)


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
            lambda uow: service.create_client(uow, input.code, input.name),
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
            lambda uow: service.create_supplier(uow, input.code, input.name),
            lambda supplier: CreateSupplierPayload(supplier=SupplierType.from_row(supplier)),
        )

    @strawberry.mutation(permission_classes=[requires("keys:write")])
    async def create_api_key(
        self, info: Info[Context, None], input: CreateApiKeyInput
    ) -> CreateApiKeyPayload:
        """Make a key; its plaintext is in the payload and nowhere else, ever."""

        def work(uow: TenantUnitOfWork) -> service.CreatedKey:
            return service.create_api_key(
                uow,
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
            lambda uow: service.revoke_api_key(uow, decode_id(input.id, "ApiKey", "id")),
            lambda key: RevokeApiKeyPayload(api_key=ApiKeyType.from_row(key)),
        )
