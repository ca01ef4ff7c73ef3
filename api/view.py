"""The GraphQL endpoint: builds each request's context and closes its session afterwards."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http.typevars import Context as ContextT  # noqa: F401

from api.context import Context
from api.database import RequestDatabase


class CrossdockGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with a per-request context and session."""

    def __init__(self, schema: Any, session_factory: sessionmaker[Session], **options: Any):
        super().__init__(schema, **options)
        self.session_factory = session_factory

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(
            request=request,
            session_factory=self.session_factory,
            db=RequestDatabase(self.session_factory),
        )

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:  # type: ignore[override]
        if isinstance(request, WebSocket):
            return await super().run(request)
        own = await self.get_context(request, response=Response())
        try:
            return await super().run(request, context=own)
        finally:
            await own.db.close()
