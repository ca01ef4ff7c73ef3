"""Roles of people: each maps onto the key scopes, so a session is authorized like a key."""

from __future__ import annotations

from enum import StrEnum

from tenants.models import KeyKind
from tenants.scopes import ADMIN


class Role(StrEnum):
    """What a person may do within their tenant."""

    PROVIDER_ADMIN = "provider_admin"
    WAREHOUSE_OPERATOR = "warehouse_operator"
    BILLING = "billing"
    CLIENT_ADMIN = "client_admin"
    CLIENT_VIEWER = "client_viewer"
    SUPPLIER = "supplier"


ROLE_KIND: dict[Role, KeyKind] = {
    Role.PROVIDER_ADMIN: KeyKind.PROVIDER,
    Role.WAREHOUSE_OPERATOR: KeyKind.PROVIDER,
    Role.BILLING: KeyKind.PROVIDER,
    Role.CLIENT_ADMIN: KeyKind.CLIENT,
    Role.CLIENT_VIEWER: KeyKind.CLIENT,
    Role.SUPPLIER: KeyKind.SUPPLIER,
}
"""Whom each role's holder speaks for: the provider, one client, or one supplier."""

ROLE_SCOPES: dict[Role, frozenset[str]] = {
    Role.PROVIDER_ADMIN: frozenset({ADMIN}),
    Role.WAREHOUSE_OPERATOR: frozenset(
        {
            "clients:read",
            "catalog:read",
            "catalog:write",
            "inventory:read",
            "inventory:write",
            "inbound:write",
            "orders:read",
            "orders:write",
            "webhooks:read",
        }
    ),
    Role.BILLING: frozenset(
        {
            "clients:read",
            "catalog:read",
            "inventory:read",
            "orders:read",
            "billing:read",
            "billing:write",
        }
    ),
    Role.CLIENT_ADMIN: frozenset({ADMIN}),
    Role.CLIENT_VIEWER: frozenset(
        {"catalog:read", "inventory:read", "orders:read", "billing:read", "webhooks:read"}
    ),
    Role.SUPPLIER: frozenset({"orders:read", "orders:write", "inventory:read", "inventory:write"}),
}
"""The key scopes each role grants; `admin` expands as for a key of the role's kind."""

ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.PROVIDER_ADMIN: "Provider staff who may do everything, people and keys included.",
    Role.WAREHOUSE_OPERATOR: "Provider staff who receive, pick, pack and ship, and keep stock.",
    Role.BILLING: "Provider staff who keep rate cards, charges and invoices.",
    Role.CLIENT_ADMIN: "A merchant's user who may do everything a client key may, people too.",
    Role.CLIENT_VIEWER: "A merchant's user who reads stock, orders and invoices only.",
    Role.SUPPLIER: "A drop-ship supplier's user: works the orders routed to it, reports stock.",
}
