"""TenantScope: who is calling, and the filter every query of tenant data goes through."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Delete, Select, Update, false, or_, select

from tenants.models import KeyKind
from tenants.scopes import effective_scopes

T = TypeVar("T")
S = TypeVar("S", Select[Any], Update, Delete)
ACTOR_MAX = 64
"""The width of the actor columns (ledgers, orders, holds, rate cards)."""


@dataclass(frozen=True)
class TenantScope:
    """The caller's tenant and rights. Queries of tenant data start from `select`."""

    provider_id: uuid.UUID
    kind: KeyKind
    scopes: frozenset[str]
    client_id: uuid.UUID | None = None
    supplier_id: uuid.UUID | None = None
    key_id: uuid.UUID | None = None
    key_prefix: str | None = None
    user_id: uuid.UUID | None = None
    """The signed-in person, for a session; None for keys and the operator."""
    user_name: str | None = None
    session_id: uuid.UUID | None = None

    @classmethod
    def operator(cls, provider_id: uuid.UUID) -> TenantScope:
        """The platform operator acting inside one provider (the CLI on the server)."""
        return cls(provider_id=provider_id, kind=KeyKind.PROVIDER, scopes=frozenset({"admin"}))

    @property
    def granted(self) -> frozenset[str]:
        """Scopes in force, `admin` expanded."""
        return effective_scopes(self.kind, self.scopes)

    def allows(self, scope: str) -> bool:
        """Whether the caller holds `scope`."""
        return scope in self.granted

    @property
    def is_provider(self) -> bool:
        """Whether the caller speaks for the provider itself."""
        return self.kind is KeyKind.PROVIDER

    @property
    def actor(self) -> str:
        """How ledgers and audit rows name the caller: a person by name, a key by prefix."""
        if self.user_name is not None:
            return f"user:{self.user_name}"[:ACTOR_MAX]
        return f"key:{self.key_prefix}" if self.key_prefix else "operator"

    def select(self, model: type[T], *columns: Any) -> Select[Any]:
        """A SELECT of `model` (or of `columns`) limited to what the caller may see."""
        stmt = select(*columns) if columns else select(model)
        return self.restrict(stmt, model)

    def restrict(self, stmt: S, model: type[Any]) -> S:
        """Add the caller's tenant filter for `model` to a statement.

        Models name their tenant columns when they differ from the defaults
        (``__provider_column__``, ``__client_column__``, ``__supplier_column__``) and
        say whether rows without a client or supplier column are shared with those keys
        (``__visible_to_clients__``, ``__visible_to_suppliers__``), or whether rows whose
        owner column is null are the provider's, shared with every such key
        (``__shared_when_unowned__``).
        """
        stmt = stmt.where(_column(model, "provider") == self.provider_id)
        if self.kind is KeyKind.CLIENT:
            return _narrow(stmt, model, "client", self.client_id)
        if self.kind is KeyKind.SUPPLIER:
            return _narrow(stmt, model, "supplier", self.supplier_id)
        return stmt

    def can_act_for_client(self, client_id: uuid.UUID) -> bool:
        """Whether the caller may touch data of `client_id` (existence is checked elsewhere)."""
        if self.kind is KeyKind.PROVIDER:
            return True
        return self.kind is KeyKind.CLIENT and self.client_id == client_id


def _column(model: type[Any], owner: str) -> Any:
    return getattr(model, getattr(model, f"__{owner}_column__", f"{owner}_id"), None)


def _narrow(stmt: S, model: type[Any], owner: str, owner_id: uuid.UUID | None) -> S:
    column = _column(model, owner)
    if column is not None:
        if getattr(model, "__shared_when_unowned__", False):
            return stmt.where(or_(column == owner_id, column.is_(None)))
        return stmt.where(column == owner_id)
    if getattr(model, f"__visible_to_{owner}s__", False):
        return stmt
    return stmt.where(false())
