"""Inputs of tenancy mutations: clients, suppliers and API keys."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.tenants.types import ApiScopeEnum, KeyKindEnum


@strawberry.input
class CreateClientInput:
    code: str = strawberry.field(description="Short code, unique within the provider.")
    name: str


@strawberry.input
class CreateSupplierInput:
    code: str
    name: str


@strawberry.input
class CreateApiKeyInput:
    name: str
    kind: KeyKindEnum  # type: ignore[valid-type]
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="For a client key; a client key defaults to its own client."
    )
    supplier_id: relay.GlobalID | None = None
    scopes: list[ApiScopeEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Defaults to the usual scopes of the kind."
    )


@strawberry.input
class RevokeApiKeyInput:
    id: relay.GlobalID
