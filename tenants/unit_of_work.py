"""The tenant-bound unit of work: one session and the caller's scope, travelling together."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy import Delete, Result, ScalarResult, Select, Update, delete, update
from sqlalchemy.orm import Session, sessionmaker

from persistence.change_feed import change_horizon
from persistence.unit_of_work import UnitOfWork
from tenants.errors import NotFoundError
from tenants.models import KeyKind
from tenants.scope import TenantScope

T = TypeVar("T")


class TenantUnitOfWork(UnitOfWork):
    """A unit of work acting for one caller: every read and write it builds is scoped.

    Business code takes this one object instead of a session and a scope: `select`,
    `get`, `update` and `delete` carry the caller's tenant filter, so no query of tenant
    data writes `provider_id` by hand.
    """

    def __init__(self, session_factory: sessionmaker[Session], scope: TenantScope):
        super().__init__(session_factory, scope.provider_id)
        self.scope = scope

    @classmethod
    def operator(
        cls, session_factory: sessionmaker[Session], provider_id: uuid.UUID | str
    ) -> TenantUnitOfWork:
        """The platform acting inside one provider (actors, the CLI), in one call."""
        return cls(session_factory, TenantScope.operator(uuid.UUID(str(provider_id))))

    @classmethod
    def sharing(cls, unit: UnitOfWork, scope: TenantScope) -> TenantUnitOfWork:
        """A scoped view of `unit`'s open transaction (a provider's first key, made with it).

        The owner of `unit` commits and closes; the view only reads and writes through it.
        """
        view = cls(unit.session_factory, scope)
        view._session = unit.session
        return view

    def provider_view(self) -> TenantUnitOfWork:
        """The provider's view of this open transaction, still naming the caller as actor.

        For rules that reach past the caller's own rows once its right to act was checked:
        a supplier shipping its fulfillment order moves the order's status, which the
        supplier's key cannot read.
        """
        scope = replace(
            self.scope,
            kind=KeyKind.PROVIDER,
            scopes=frozenset({"admin"}),
            client_id=None,
            supplier_id=None,
        )
        return TenantUnitOfWork.sharing(self, scope)

    def select(self, model: type[Any], *columns: Any) -> Select[Any]:
        """A SELECT of `model` (or of `columns`) limited to what the caller may see."""
        return self.scope.select(model, *columns)

    def update(self, model: type[Any]) -> Update:
        """An UPDATE of `model` limited to the caller's rows."""
        return self.scope.restrict(update(model), model)

    def delete(self, model: type[Any]) -> Delete:
        """A DELETE of `model` limited to the caller's rows."""
        return self.scope.restrict(delete(model), model)

    def get(self, model: type[T], row_id: uuid.UUID | None, *, lock: bool = False) -> T | None:
        """The caller's `model` row with this id, or None; `lock` takes it FOR UPDATE, fresh."""
        if row_id is None:
            return None
        stmt = self.select(model).where(model.id == row_id)  # type: ignore[attr-defined]
        if lock:
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return self.session.scalar(stmt)

    def change_horizon(self, model: type[Any]) -> int:
        """The change-feed stamp below which every change to the tenant's `model` rows is
        committed (persistence.change_feed)."""
        return change_horizon(self.session, model, self.scope.provider_id)

    def get_or_not_found(
        self,
        model: type[T],
        row_id: uuid.UUID | None,
        what: str,
        field: str = "id",
        *,
        lock: bool = False,
    ) -> T:
        """The caller's row, or NOT_FOUND on `field`: another tenant's row answers the same."""
        row = self.get(model, row_id, lock=lock)
        if row is None:
            raise NotFoundError(what, field)
        return row

    def scalar(self, stmt: Any, params: Any = None) -> Any:
        """The first column of the first row of a statement built from `select`."""
        return self.session.scalar(stmt, params)

    def scalars(self, stmt: Any, params: Any = None) -> ScalarResult[Any]:
        """The first column of every row of a statement built from `select`."""
        return self.session.scalars(stmt, params)

    def execute(self, stmt: Any, params: Any = None) -> Result[Any]:
        """Run a statement built from `select`, `update` or `delete`."""
        return self.session.execute(stmt, params)

    def add(self, row: Any) -> None:
        """Stage a new row (its `provider_id` is the caller's, set by the rule that made it)."""
        self.session.add(row)

    def add_all(self, rows: Iterable[Any]) -> None:
        """Stage new rows."""
        self.session.add_all(rows)

    def flush(self) -> None:
        """Send staged changes to the database without committing."""
        self.session.flush()


UnitFactory = Callable[[], TenantUnitOfWork]
"""Opens a new unit of work for the same caller (a service runs several, one after another)."""
