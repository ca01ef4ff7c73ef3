"""The GraphQL endpoint: builds each request's context and closes its session afterwards."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.typevars import Context as ContextT  # noqa: F401
from strawberry.types.unset import UNSET, UnsetType

from api.context import Context
from api.database import RequestDatabase
from api.errors import PublicError
from api.limits.extension import QueryLimits

_WS_CONTEXT = "crossdock.context"


class CrossdockGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with a per-request context and session."""

    def __init__(
        self,
        schema: Any,
        session_factory: sessionmaker[Session],
        limits: QueryLimits | None = None,
        *,
        allow_private_urls: bool = False,
        **options: Any,
    ):
        super().__init__(schema, **options)
        self.session_factory = session_factory
        self.limits = limits
        self.allow_private_urls = allow_private_urls

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = Context(
            request=request,
            session_factory=self.session_factory,
            db=RequestDatabase(self.session_factory),
            limits=self.limits,
            allow_private_urls=self.allow_private_urls,
        )
        if isinstance(request, WebSocket):
            request.scope[_WS_CONTEXT] = context  # closed with the socket, in `run`
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType:
        """Authenticate a WebSocket at ``connection_init``; a bad or missing key closes it, 4403."""
        try:
            await context.scope()
        except PublicError as error:
            raise ConnectionRejectionError({"code": error.extensions["code"]}) from error
        return UNSET

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:  # type: ignore[override]
        if isinstance(request, WebSocket):
            try:
                return await super().run(request)
            finally:
                socket_context = request.scope.get(_WS_CONTEXT)
                if socket_context is not None:
                    await socket_context.db.close()
        own = await self.get_context(request, response=Response())
        try:
            return await super().run(request, context=own)
        finally:
            await own.db.close()
