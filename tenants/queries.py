"""What the caller may list of tenancy: clients, suppliers and API keys, filtered."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import Select

from tenants.models import ApiKey, Client, KeyKind, Supplier
from tenants.roles import Role
from tenants.scope import TenantScope
from tenants.user_models import User, UserStatus


def clients(scope: TenantScope, *, code: str | None = None) -> Select[Any]:
    """The provider's clients, optionally the one with a code."""
    stmt = scope.select(Client)
    return stmt if code is None else stmt.where(Client.code == code.strip())


def suppliers(scope: TenantScope, *, code: str | None = None) -> Select[Any]:
    """The provider's suppliers, optionally the one with a code."""
    stmt = scope.select(Supplier)
    return stmt if code is None else stmt.where(Supplier.code == code.strip())


def api_keys(
    scope: TenantScope,
    *,
    kinds: Collection[KeyKind] | None = None,
    revoked: bool | None = None,
) -> Select[Any]:
    """Keys the caller may manage, optionally of some kinds, revoked or not."""
    stmt = scope.select(ApiKey)
    if kinds:
        stmt = stmt.where(ApiKey.kind.in_(kinds))
    if revoked is not None:
        stmt = stmt.where(
            ApiKey.revoked_at.is_not(None) if revoked else ApiKey.revoked_at.is_(None)
        )
    return stmt


def users(
    scope: TenantScope,
    *,
    statuses: Collection[UserStatus] | None = None,
    roles: Collection[Role] | None = None,
    email: str | None = None,
) -> Select[Any]:
    """People the caller may manage, optionally in some states, with some roles, or one address."""
    stmt = scope.select(User)
    if statuses:
        stmt = stmt.where(User.status.in_(statuses))
    if roles:
        stmt = stmt.where(User.role.in_(roles))
    if email is not None:
        stmt = stmt.where(User.email == email.strip().lower())
    return stmt
