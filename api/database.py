"""The request's unit of work, used from the event loop through a worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import anyio.to_thread
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from domain.errors import DomainError, DomainErrorCode
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork

R = TypeVar("R")
_closing: set[asyncio.Task[None]] = set()
"""Closes waiting for a running call to return (the loop keeps only weak references)."""


class RequestDatabase:
    """An async adaptor over one `TenantUnitOfWork` per request, used one call at a time.

    The domain is synchronous; each call runs in a worker thread so the event loop
    stays free, and a lock keeps concurrent resolvers (dataloaders) from sharing the
    session at the same moment.
    """

    def __init__(self, session_factory: sessionmaker[Session]):
        self._session_factory = session_factory
        self._uow: TenantUnitOfWork | None = None
        self._lock = asyncio.Lock()

    def bind(self, scope: TenantScope) -> None:
        """Open the request's unit of work for the authenticated caller."""
        if self._uow is not None and self._uow.scope != scope:
            raise RuntimeError("the request's unit of work is bound to another caller")
        if self._uow is None:
            self._uow = TenantUnitOfWork(self._session_factory, scope)

    async def read(self, fn: Callable[..., R], *args: Any) -> R:
        """Run `fn(uow, *args)` in the request's read transaction.

        On SQLite every transaction holds the database's write lock, so each read ends
        its transaction at once instead of blocking other requests until this one ends.
        """
        async with self._lock:
            return await anyio.to_thread.run_sync(partial(_read, fn, self._bound(), *args))

    async def write(self, fn: Callable[..., R], *args: Any) -> R:
        """Run `fn(uow, *args)` and commit; roll back on any error."""
        async with self._lock:
            return await anyio.to_thread.run_sync(
                partial(_commit_or_rollback, fn, self._bound(), *args)
            )

    async def close(self) -> None:
        """End the request's transaction and give the connection back.

        A request cut off by its deadline may leave a call running in a worker thread (a
        dataloader's task outlives the request's); the session is closed once that call
        returns, never under its feet.
        """
        if self._lock.locked():
            task = asyncio.get_running_loop().create_task(self._close_when_free())
            _closing.add(task)
            task.add_done_callback(_closing.discard)
            return
        await self._close_now()

    async def _close_when_free(self) -> None:
        async with self._lock:
            await self._close_now()

    async def _close_now(self) -> None:
        if self._uow is not None:
            uow, self._uow = self._uow, None
            if uow.idle:  # committed (a mutation) or never used: no rollback to wait for
                uow.close()
            else:
                await anyio.to_thread.run_sync(uow.close)

    def _bound(self) -> TenantUnitOfWork:
        if self._uow is None:
            raise RuntimeError("the request's caller is not authenticated yet")
        return self._uow


def _read(fn: Callable[..., R], uow: TenantUnitOfWork, *args: Any) -> R:
    try:
        result = fn(uow, *args)
    except BaseException:
        uow.rollback()
        raise
    if uow.session.get_bind().dialect.name == "sqlite":
        uow.commit()  # keeps loaded objects: the factory sets expire_on_commit=False
    return result


def _commit_or_rollback(fn: Callable[..., R], uow: TenantUnitOfWork, *args: Any) -> R:
    try:
        result = fn(uow, *args)
        uow.commit()
    except IntegrityError as error:
        uow.rollback()
        raise DomainError(
            DomainErrorCode.CONFLICT,
            "The change conflicts with another one made at the same time; try again.",
        ) from error
    except BaseException:
        uow.rollback()
        raise
    return result
