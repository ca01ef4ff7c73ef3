"""Unit of work: one session and transaction, bound to one tenant, rolled back unless committed."""

from __future__ import annotations

import uuid
from types import TracebackType
from typing import Self

from sqlalchemy.orm import Session, sessionmaker


class UnitOfWork:
    """A session bound to a tenant for the length of a request or a message."""

    def __init__(
        self, session_factory: sessionmaker[Session], provider_id: uuid.UUID | None = None
    ):
        self._session_factory = session_factory
        self._provider_id = provider_id
        self.session: Session

    def __enter__(self) -> Self:
        self.session = self._session_factory()
        bind_tenant(self.session, self._provider_id)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        """Make the work durable."""
        self.session.commit()

    def rollback(self) -> None:
        """Throw the work away."""
        self.session.rollback()


def bind_tenant(session: Session, provider_id: uuid.UUID | None) -> None:
    """Scope the session's next transactions to one provider (row-level security on PostgreSQL).

    The setting applies from the next transaction; binding inside an open one is refused,
    because the running transaction already carries its setting.
    """
    if session.in_transaction() and session.info.get("provider_id") != provider_id:
        raise RuntimeError("bind the tenant before the transaction starts")
    session.info["provider_id"] = provider_id
