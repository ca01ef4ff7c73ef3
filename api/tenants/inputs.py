"""Inputs of tenancy mutations: clients, suppliers and API keys."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.tenants.types import ApiScopeEnum, KeyKindEnum


@strawberry.input(description="Add a client.")
class CreateClientInput:
    code: str = strawberry.field(description="Short code, unique within the provider.")
    name: str = strawberry.field(description="The client's name as people know it.")


@strawberry.input(description="Add a drop-ship supplier.")
class CreateSupplierInput:
    code: str = strawberry.field(description="Short code, unique within the provider.")
    name: str = strawberry.field(description="The supplier's name as people know it.")


@strawberry.input(description="Make an API key.")
class CreateApiKeyInput:
    name: str = strawberry.field(description="What the key is for, e.g. the shop integration.")
    kind: KeyKindEnum = strawberry.field(description="Whom the key speaks for.")  # type: ignore[valid-type]
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="For a client key; a client key defaults to its own client."
    )
    supplier_id: relay.GlobalID | None = strawberry.field(
        default=None, description="For a supplier key: the supplier it speaks for."
    )
    scopes: list[ApiScopeEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Defaults to the usual scopes of the kind."
    )


@strawberry.input(description="Revoke an API key.")
class RevokeApiKeyInput:
    id: relay.GlobalID = strawberry.field(description="The API key.")
