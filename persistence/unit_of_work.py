"""Unit of work: one session and transaction, bound to one tenant, rolled back unless committed."""

from __future__ import annotations

import uuid
from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker


class UnitOfWork:
    """A session bound to a provider (or to a named system task) for one request or message.

    Tenant work uses `tenants.unit_of_work.TenantUnitOfWork`, which adds the caller's scope;
    this base serves what has no caller yet (creating a provider) and the cross-tenant
    system tasks, each of which names itself (`system_task`) for row-level security.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        provider_id: uuid.UUID | None = None,
        *,
        system_task: str | None = None,
    ):
        self._session_factory = session_factory
        self._provider_id = provider_id
        self._system_task = system_task
        self._session: Session | None = None

    @property
    def session_factory(self) -> sessionmaker[Session]:
        """Where the unit's sessions come from (a service opening more units uses it)."""
        return self._session_factory

    @property
    def session(self) -> Session:
        """The unit's session, opened on first use and bound to its tenant."""
        if self._session is None:
            self._session = self._session_factory()
            bind_tenant(self._session, self._provider_id)
            if self._system_task is not None:
                self._session.info["system_task"] = self._system_task
        return self._session

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def idle(self) -> bool:
        """Whether no transaction is open (none begun, or committed): closing is then
        bookkeeping, with nothing to send to the database."""
        return self._session is None or not self._session.in_transaction()

    def commit(self) -> None:
        """Make the work durable."""
        self.session.commit()

    def rollback(self) -> None:
        """Throw the work away."""
        if self._session is not None:
            self._session.rollback()

    def close(self) -> None:
        """Throw away what was not committed and give the connection back.

        Closing the session ends its transaction (the pool rolls the connection back) and
        lets its objects go as they are: a rollback first would expire every loaded object,
        hundreds for a page of orders, only to let them go.
        """
        if self._session is not None:
            session, self._session = self._session, None
            session.close()


def bind_tenant(session: Session, provider_id: uuid.UUID | None) -> None:
    """Scope the session's next transactions to one provider (row-level security on PostgreSQL).

    The setting applies from the next transaction; binding inside an open one is refused,
    because the running transaction already carries its setting.
    """
    if session.in_transaction() and session.info.get("provider_id") != provider_id:
        raise RuntimeError("bind the tenant before the transaction starts")
    session.info["provider_id"] = provider_id
