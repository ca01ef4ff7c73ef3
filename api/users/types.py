"""GraphQL types of people."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.descriptions import described_enum
from api.relay import RowNode, by_id
from api.tenants.types import ClientType, KeyKindEnum, SupplierType
from tenants.models import Client, Supplier
from tenants.roles import ROLE_DESCRIPTIONS, Role
from tenants.user_models import User, UserStatus

UserRoleEnum = described_enum(
    Role, name="UserRole", description="What a person may do within their tenant.",
    values=ROLE_DESCRIPTIONS,
)  # fmt: skip
UserStatusEnum = described_enum(
    UserStatus,
    name="UserStatus",
    description="Where a person's account stands.",
    values={
        UserStatus.INVITED: "Invited; the invitation is not accepted yet.",
        UserStatus.ACTIVE: "Signs in.",
        UserStatus.DEACTIVATED: "May no longer sign in; their sessions have ended.",
    },
)


@strawberry.type(name="User")
class UserType(RowNode):
    """A person who signs in to the web app: never their password."""

    __model__ = User
    id: relay.NodeID[str]
    name: str = strawberry.field(description="The person's name, as they gave it.")
    email: str = strawberry.field(description="The address they sign in with (lower case).")
    kind: KeyKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="Whom the person speaks for: the provider, a client or a supplier."
    )
    role: UserRoleEnum = strawberry.field(description="What they may do.")  # type: ignore[valid-type]
    status: UserStatusEnum = strawberry.field(description="Invited, active or deactivated.")  # type: ignore[valid-type]
    created_at: datetime = strawberry.field(description="When they were invited or created.")
    invitation_expires_at: datetime | None = strawberry.field(
        description="When a pending invitation's link stops working; null otherwise."
    )
    deactivated_at: datetime | None = strawberry.field(
        description="When they were deactivated; null while they may sign in."
    )
    client_id: strawberry.Private[uuid.UUID | None]
    supplier_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType | None:
        """The client a client's person belongs to."""
        if self.client_id is None:
            return None
        row = await by_id(info.context, Client).load(self.client_id)
        return ClientType.from_row(row) if row else None

    @strawberry.field
    async def supplier(self, info: Info[Context, None]) -> SupplierType | None:
        """The supplier a supplier's person belongs to."""
        if self.supplier_id is None:
            return None
        row = await by_id(info.context, Supplier).load(self.supplier_id)
        return SupplierType.from_row(row) if row else None
