"""Scopes an API key can carry, and which of them each kind of key may hold."""

from __future__ import annotations

from enum import StrEnum

from tenants.models import KeyKind

ADMIN = "admin"
"""Everything the key's kind may do, including managing keys."""

SCOPES: dict[str, str] = {
    ADMIN: "everything the key's kind may do, including managing keys",
    "clients:read": "list and read clients",
    "clients:write": "create and change clients and suppliers",
    "keys:read": "list API keys",
    "keys:write": "create and revoke API keys",
    "users:read": "list the people who sign in",
    "users:write": "invite people, change their roles, deactivate them",
    "catalog:read": "read warehouses and products",
    "catalog:write": "create and change products and warehouses",
    "inventory:read": "read stock levels, movements and inbound shipments",
    "inventory:write": "receive, adjust and count stock",
    "inbound:write": "announce inbound shipments",
    "orders:read": "read orders",
    "orders:write": "create, hold, cancel and progress orders",
    "billing:read": "read charges and invoices",
    "billing:write": "change rate cards, charges and invoices",
    "webhooks:read": "list webhook endpoints and their deliveries",
    "webhooks:write": "create, change and delete webhook endpoints; redeliver",
    "audit:read": "read the audit trail (a client key: what its client did)",
}

Scope = StrEnum(  # type: ignore[misc]
    "Scope", {name.replace(":", "_").upper(): name for name in SCOPES}
)
"""The closed set of scopes as an enum: ORDERS_READ is "orders:read"."""

KIND_SCOPES: dict[KeyKind, frozenset[str]] = {
    KeyKind.PROVIDER: frozenset(SCOPES),
    KeyKind.CLIENT: frozenset(
        {
            ADMIN,
            "keys:read",
            "keys:write",
            "users:read",
            "users:write",
            "catalog:read",
            "catalog:write",
            "inventory:read",
            "inbound:write",
            "orders:read",
            "orders:write",
            "billing:read",
            "webhooks:read",
            "webhooks:write",
            "audit:read",
        }
    ),
    KeyKind.SUPPLIER: frozenset(
        {
            "orders:read",
            "orders:write",
            "inventory:read",
            "inventory:write",
            "webhooks:read",
            "webhooks:write",
        }
    ),
}

DEFAULT_SCOPES: dict[KeyKind, tuple[str, ...]] = {
    KeyKind.PROVIDER: (ADMIN,),
    KeyKind.CLIENT: tuple(
        sorted(
            KIND_SCOPES[KeyKind.CLIENT]
            - {ADMIN, "keys:read", "keys:write", "users:read", "users:write", "audit:read"}
        )
    ),
    KeyKind.SUPPLIER: tuple(sorted(KIND_SCOPES[KeyKind.SUPPLIER])),
}


def effective_scopes(kind: KeyKind, granted: frozenset[str] | set[str]) -> frozenset[str]:
    """What a key may do: its grants, with `admin` expanded, within its kind's reach."""
    allowed = KIND_SCOPES[kind]
    if ADMIN in granted:
        return allowed
    return frozenset(granted) & allowed
