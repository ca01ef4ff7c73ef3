"""Per-request context: the caller, the session, and the request's dataloaders."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import anyio.to_thread
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import HTTPConnection
from strawberry.dataloader import DataLoader

from api.database import RequestDatabase
from api.errors import PublicError, statement_values_hidden
from api.events.position import now_millis
from domain.audit.sign_ins import record_sign_in
from tenants.errors import AuthenticationError
from tenants.key_cache import VERIFIED
from tenants.scope import TenantScope
from tenants.service import authenticate
from tenants.sessions import SessionPolicy, authenticate_session
from tenants.unit_of_work import TenantUnitOfWork

if TYPE_CHECKING:
    from api.limits.extension import QueryLimits

R = TypeVar("R")


@dataclass
class Context:
    """What every resolver of one request shares; never shared between requests."""

    request: HTTPConnection
    session_factory: sessionmaker[Session]
    db: RequestDatabase
    connection_params: dict[str, Any] | None = None
    """A WebSocket's ``connection_init`` payload; its ``Authorization`` outranks the header."""
    limits: QueryLimits | None = None
    """The app's cost limit and rate limiter; None prices operations without limiting them."""
    allow_private_urls: bool = False
    """Whether outbound URLs (webhook endpoints, carrier accounts) may point at private and
    loopback hosts (a setting)."""
    session_policy: SessionPolicy = field(default_factory=SessionPolicy)
    """How long people's sessions last (settings)."""
    session_cookie: tuple[str, str] | None = None
    """A cookie request's session cookie and the CSRF token it presented, once the
    request passed the same-origin checks; None authenticates with a key."""
    invitation_base_url: str | None = None
    """Where invitation links point (the public URL, else the request's own)."""
    invitation_hours: int = 72
    """How long an invitation link works (a setting)."""
    started_ms: int = field(default_factory=now_millis)
    """When the request (a WebSocket: the connection) started, before any of its reads."""
    preloaded: dict[Hashable, dict[Any, Any]] = field(default_factory=dict)
    """Relations looked ahead with a page (api/lookahead.py): store -> key -> value."""
    _scope: TenantScope | None = None
    _auth_error: PublicError | None = None
    _loaders: dict[Hashable, DataLoader[Any, Any]] = field(default_factory=dict)
    _auth_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def scope(self) -> TenantScope:
        """The authenticated caller; raises a coded error when the key is missing or bad.

        Top-level fields resolve concurrently; the lock makes them share one check.
        """
        async with self._auth_lock:
            if self._scope is None and self._auth_error is None:
                try:
                    # a key verified a moment ago needs no thread (nor the database)
                    self._scope = self._remembered()
                    if self._scope is None:
                        with statement_values_hidden():
                            self._scope = await anyio.to_thread.run_sync(self._authenticate)
                    self.db.bind(self._scope)
                except AuthenticationError as error:
                    self._auth_error = PublicError(error.code, error.message)
        if self._auth_error is not None:
            raise self._auth_error
        assert self._scope is not None
        return self._scope

    async def reauthenticate(self) -> None:
        """Forget the caller and check the key again (a WebSocket's key, at each operation)."""
        async with self._auth_lock:
            self._scope = None
            self._auth_error = None
        await self.scope()

    def remember(self, loaded: dict[Hashable, dict[Any, Any]]) -> None:
        """Keep relations looked ahead with a page for the fields that read them."""
        for store, values in loaded.items():
            self.preloaded.setdefault(store, {}).update(values)

    def release(self) -> None:
        """Drop the rows the request loaded once it is answered.

        graphql-core's execution context refers to itself (a bound method it keeps), and
        to this context, so only the cycle collector frees it; emptied here, the rows,
        their states and the loaders go at once by reference counting instead of
        piling up in the young generation for the collector to trace.
        """
        self.preloaded.clear()
        self._loaders.clear()

    def loader(
        self, key: Hashable, make: Callable[[], DataLoader[Any, Any]]
    ) -> DataLoader[Any, Any]:
        """The request's loader under `key`, made on first use."""
        found = self._loaders.get(key)
        if found is None:
            found = self._loaders[key] = make()
        return found

    async def read(self, fn: Callable[..., R], *args: Any) -> R:
        """`fn(uow, *args)` in the request's read transaction."""
        await self.scope()
        with statement_values_hidden():
            return await self.db.read(fn, *args)

    async def write(self, fn: Callable[..., R], *args: Any) -> R:
        """`fn(uow, *args)` committed as one unit of work."""
        await self.scope()
        with statement_values_hidden():
            return await self.db.write(fn, *args)

    async def service(self, fn: Callable[..., R], *args: Any, **kwargs: Any) -> R:
        """`fn(new_unit, *args)`: a service running its own units of work as the caller,
        in a worker thread (it commits step by step, outside the request's transaction)."""
        scope = await self.scope()
        session_factory = self.session_factory

        def new_unit() -> TenantUnitOfWork:
            return TenantUnitOfWork(session_factory, scope)

        with statement_values_hidden():
            return await anyio.to_thread.run_sync(partial(fn, new_unit, *args, **kwargs))

    def _authenticate(self) -> TenantScope:
        header = self._authorization()
        with self.session_factory() as session:
            if bearer_token(header) is None and self.session_cookie is not None:
                token, csrf_token = self.session_cookie
                return authenticate_session(
                    session, token, csrf_token, self.session_policy, record=record_sign_in
                )
            return VERIFIED.authenticate(session, bearer_token(header), authenticate)

    def _remembered(self) -> TenantScope | None:
        """The scope of a key verified in the last few seconds (tenants/key_cache.py)."""
        key = bearer_token(self._authorization())
        return VERIFIED.get(key) if key else None

    def _authorization(self) -> str:
        if self.connection_params and self.connection_params.get("Authorization"):
            return str(self.connection_params["Authorization"])
        return self.request.headers.get("authorization", "")


def bearer_token(header: str) -> str | None:
    """The key in an ``Authorization`` value: ``Bearer <key>`` (any case, any blanks) or bare."""
    parts = header.split(None, 1)
    if parts and parts[0].lower() == "bearer":
        return parts[1].strip() if len(parts) == 2 else None
    return header.strip() or None


def parse_uuid(value: str) -> uuid.UUID | None:
    """A UUID from an id string, or None (answered like an unknown id)."""
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return None
