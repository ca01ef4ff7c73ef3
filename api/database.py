"""The request's database session, used from the event loop through a worker thread."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from domain.errors import DomainError, DomainErrorCode
from persistence.unit_of_work import bind_tenant

R = TypeVar("R")


class RequestDatabase:
    """One session per request, bound to the caller's provider, used one call at a time.

    The domain is synchronous; each call runs in a worker thread so the event loop
    stays free, and a lock keeps concurrent resolvers (dataloaders) from sharing the
    session at the same moment.
    """

    def __init__(self, session_factory: sessionmaker[Session]):
        self._session_factory = session_factory
        self._session: Session | None = None
        self._lock = asyncio.Lock()

    def bind(self, provider_id: uuid.UUID) -> None:
        """Scope the session to the caller's provider."""
        bind_tenant(self._session_or_new(), provider_id)

    async def read(self, fn: Callable[..., R], *args: Any) -> R:
        """Run `fn(session, *args)` in the request's read transaction.

        On SQLite every transaction holds the database's write lock, so each read ends
        its transaction at once instead of blocking other requests until this one ends.
        """
        async with self._lock:
            return await anyio.to_thread.run_sync(partial(_read, fn, self._session_or_new(), *args))

    async def write(self, fn: Callable[..., R], *args: Any) -> R:
        """Run `fn(session, *args)` and commit; roll back on any error."""
        async with self._lock:
            return await anyio.to_thread.run_sync(
                partial(_commit_or_rollback, fn, self._session_or_new(), *args)
            )

    async def close(self) -> None:
        """End the request's transaction and give the connection back."""
        if self._session is not None:
            session, self._session = self._session, None
            await anyio.to_thread.run_sync(session.close)

    def _session_or_new(self) -> Session:
        if self._session is None:
            self._session = self._session_factory()
        return self._session


def _read(fn: Callable[..., R], session: Session, *args: Any) -> R:
    try:
        result = fn(session, *args)
    except BaseException:
        session.rollback()
        raise
    if session.get_bind().dialect.name == "sqlite":
        session.commit()  # keeps loaded objects: the factory sets expire_on_commit=False
    return result


def _commit_or_rollback(fn: Callable[..., R], session: Session, *args: Any) -> R:
    try:
        result = fn(session, *args)
        session.commit()
    except IntegrityError as error:
        session.rollback()
        raise DomainError(
            DomainErrorCode.CONFLICT,
            "The change conflicts with another one made at the same time; try again.",
        ) from error
    except BaseException:
        session.rollback()
        raise
    return result
