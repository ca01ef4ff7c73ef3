"""GraphQL types of tenancy."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.addresses import Address
from api.context import Context
from api.descriptions import described_enum
from api.relay import RowNode, by_id
from tenants.models import ApiKey, Client, KeyKind, Provider, Supplier
from tenants.scopes import SCOPES, Scope
from tenants.user_models import User

if TYPE_CHECKING:
    from api.users.types import UserType

KeyKindEnum = described_enum(
    KeyKind,
    name="KeyKind",
    description="Who an API key speaks for.",
    values={
        KeyKind.PROVIDER: "The 3PL itself: all of its clients, warehouses and settings.",
        KeyKind.CLIENT: "One merchant: only that client's products, stock, orders and bills.",
        KeyKind.SUPPLIER: "One drop-ship vendor: only the work routed to it.",
    },
)
CREATED_AT = "When it was created."
ApiScopeEnum = described_enum(
    Scope,
    name="ApiScope",
    description="What an API key may do.",
    values={
        scope: SCOPES[scope.value][0].upper() + SCOPES[scope.value][1:] + "." for scope in Scope
    },
)


@strawberry.type(name="Provider")
class ProviderType(RowNode):
    """A 3PL: the tenant."""

    __model__ = Provider
    id: relay.NodeID[str]
    name: str = strawberry.field(description="The provider's trading name.")
    created_at: datetime = strawberry.field(description=CREATED_AT)


@strawberry.type(name="Client")
class ClientType(RowNode):
    """A merchant whose goods the provider stores and ships."""

    __model__ = Client
    serves_rows = True
    id: relay.NodeID[str]
    code: str = strawberry.field(description="Short code, unique within the provider.")
    name: str = strawberry.field(description="The client's name as people read it.")
    created_at: datetime = strawberry.field(description=CREATED_AT)


@strawberry.type(name="Supplier")
class SupplierType(RowNode):
    """A drop-ship vendor."""

    __model__ = Supplier
    id: relay.NodeID[str]
    code: str = strawberry.field(description="Short code, unique within the provider.")
    name: str = strawberry.field(description="The supplier's name as people read it.")
    created_at: datetime = strawberry.field(description=CREATED_AT)
    ship_from: Address | None = strawberry.field(
        default=None,
        description="Where its parcels leave from, for labels bought through Crossdock.",
    )

    @classmethod
    def from_row(cls, row: Any) -> SupplierType:
        """The supplier, its stored ship-from address as an Address."""
        made = super().from_row(row)
        made.ship_from = Address.of(row.ship_from) if row.ship_from else None
        return made


@strawberry.type(name="ApiKey")
class ApiKeyType(RowNode):
    """An API key as stored: never the secret."""

    __model__ = ApiKey
    id: relay.NodeID[str]
    name: str = strawberry.field(description="A label saying what the key is for.")
    prefix: str = strawberry.field(
        description="The key's public part (`cdk_<prefix>_...`), by which logs name it."
    )
    kind: KeyKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="Who the key speaks for."
    )
    scopes: list[ApiScopeEnum] = strawberry.field(  # type: ignore[valid-type]
        description="What the key may do, as granted."
    )
    created_at: datetime = strawberry.field(description=CREATED_AT)
    last_used_at: datetime | None = strawberry.field(
        description="When a request last came with the key; null if never."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When the key was revoked; null while it works."
    )
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

    kind: KeyKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="Who the calling key speaks for."
    )
    scopes: list[ApiScopeEnum] = strawberry.field(  # type: ignore[valid-type]
        description="Scopes in force, ADMIN expanded."
    )
    key_prefix: str | None = strawberry.field(
        description="The calling key's public prefix; null when the caller is not an API key."
    )
    provider_id: strawberry.Private[uuid.UUID]
    client_id: strawberry.Private[uuid.UUID | None]
    supplier_id: strawberry.Private[uuid.UUID | None]
    user_id: strawberry.Private[uuid.UUID | None] = None

    @strawberry.field
    async def user(
        self, info: Info[Context, None]
    ) -> Annotated[UserType, strawberry.lazy("api.users.types")] | None:
        """The signed-in person, for a session cookie; null for an API key."""
        if self.user_id is None:
            return None
        from api.users.types import UserType

        row = await by_id(info.context, User).load(self.user_id)
        return UserType.from_row(row) if row else None

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
