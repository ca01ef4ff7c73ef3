"""GraphQL types of tenancy."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.relay import RowNode, by_id
from tenants.models import ApiKey, Client, KeyKind, Provider, Supplier
from tenants.scopes import SCOPES, Scope

KeyKindEnum = strawberry.enum(KeyKind, name="KeyKind", description="Who an API key speaks for.")
ApiScopeEnum = strawberry.enum(Scope, name="ApiScope", description="What an API key may do.")
for _value in ApiScopeEnum.__strawberry_definition__.values:  # type: ignore[attr-defined]
    _value.description = SCOPES[_value.value][0].upper() + SCOPES[_value.value][1:] + "."


@strawberry.type(name="Provider")
class ProviderType(RowNode):
    """A 3PL: the tenant."""

    __model__ = Provider
    id: relay.NodeID[str]
    name: str
    created_at: datetime


@strawberry.type(name="Client")
class ClientType(RowNode):
    """A merchant whose goods the provider stores and ships."""

    __model__ = Client
    id: relay.NodeID[str]
    code: str
    name: str
    created_at: datetime


@strawberry.type(name="Supplier")
class SupplierType(RowNode):
    """A drop-ship vendor."""

    __model__ = Supplier
    id: relay.NodeID[str]
    code: str
    name: str
    created_at: datetime


@strawberry.type(name="ApiKey")
class ApiKeyType(RowNode):
    """An API key as stored: never the secret."""

    __model__ = ApiKey
    id: relay.NodeID[str]
    name: str
    prefix: str
    kind: KeyKindEnum  # type: ignore[valid-type]
    scopes: list[ApiScopeEnum]  # type: ignore[valid-type]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    client_id: strawberry.Private[uuid.UUID | None]
    supplier_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType | None:
        """The client a client key speaks for."""
        if self.client_id is None:
            return None
        row = await by_id(info.context, Client).load(self.client_id)
        return ClientType.from_row(row) if row else None

    @strawberry.field
    async def supplier(self, info: Info[Context, None]) -> SupplierType | None:
        """The supplier a supplier key speaks for."""
        if self.supplier_id is None:
            return None
        row = await by_id(info.context, Supplier).load(self.supplier_id)
        return SupplierType.from_row(row) if row else None


@strawberry.type
class Viewer:
    """Who is calling."""

    kind: KeyKindEnum  # type: ignore[valid-type]
    scopes: list[ApiScopeEnum] = strawberry.field(  # type: ignore[valid-type]
        description="Scopes in force, ADMIN expanded."
    )
    key_prefix: str | None
    provider_id: strawberry.Private[uuid.UUID]
    client_id: strawberry.Private[uuid.UUID | None]
    supplier_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def provider(self, info: Info[Context, None]) -> ProviderType:
        """The provider the key belongs to."""
        return ProviderType.from_row(await by_id(info.context, Provider).load(self.provider_id))

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType | None:
        """The client, for a client key."""
        if self.client_id is None:
            return None
        return ClientType.from_row(await by_id(info.context, Client).load(self.client_id))

    @strawberry.field
    async def supplier(self, info: Info[Context, None]) -> SupplierType | None:
        """The supplier, for a supplier key."""
        if self.supplier_id is None:
            return None
        return SupplierType.from_row(await by_id(info.context, Supplier).load(self.supplier_id))
