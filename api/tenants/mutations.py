"""Mutations of tenancy, each with its own payload: clients, suppliers and API keys."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.context import Context
from api.mutations import Payload, decode_id, mutate, optional_id
from api.permissions import requires
from api.tenants.inputs import (
    CreateApiKeyInput,
    CreateClientInput,
    CreateSupplierInput,
    RevokeApiKeyInput,
)
from api.tenants.types import ApiKeyType, ClientType, SupplierType
from tenants import service
from tenants.unit_of_work import TenantUnitOfWork


@strawberry.type
class CreateClientPayload(Payload):
    client: ClientType | None = strawberry.field(
        default=None, description="The client after the change; null when refused."
    )


@strawberry.type
class CreateSupplierPayload(Payload):
    supplier: SupplierType | None = strawberry.field(
        default=None, description="The supplier after the change; null when refused."
    )


@strawberry.type
class CreateApiKeyPayload(Payload):
    api_key: ApiKeyType | None = strawberry.field(
        default=None, description="The API key after the change; null when refused."
    )
    plaintext_key: str | None = strawberry.field(
        default=None, description="The key itself. Shown once; store it now."
    )


@strawberry.type
class RevokeApiKeyPayload(Payload):
    api_key: ApiKeyType | None = strawberry.field(
        default=None, description="The API key after the change; null when refused."
    )


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
