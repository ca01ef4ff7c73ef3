"""The GraphQL endpoint: builds each request's context and closes its session afterwards."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLRequestData
from strawberry.http.typevars import Context as ContextT  # noqa: F401
from strawberry.types.unset import UNSET, UnsetType

from api.context import Context
from api.database import RequestDatabase
from api.errors import PublicError
from api.graphiql import graphiql_page
from api.limits.document import operations_of, parse_document
from api.limits.extension import QueryLimits
from api.sessions.cookies import (
    CSRF_HEADER,
    CookiePolicy,
    csrf_matches,
    csrf_refused,
    session_credentials,
)
from tenants.sessions import SessionPolicy

_WS_CONTEXT = "crossdock.context"
MAX_JSON_DEPTH = 32
"""How deeply a request's JSON (its variables, mostly) may nest arrays and objects."""


class CrossdockGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app with a per-request context and session."""

    def __init__(
        self,
        schema: Any,
        session_factory: sessionmaker[Session],
        limits: QueryLimits | None = None,
        *,
        allow_private_urls: bool = False,
        request_timeout: float | None = None,
        session_policy: SessionPolicy | None = None,
        cookie_policy: CookiePolicy | None = None,
        invitation_hours: int = 72,
        **options: Any,
    ):
        super().__init__(schema, **options)
        self.session_factory = session_factory
        self.limits = limits
        self.allow_private_urls = allow_private_urls
        self.request_timeout = request_timeout
        self.session_policy = session_policy or SessionPolicy()
        self.cookie_policy = cookie_policy or CookiePolicy()
        self.invitation_hours = invitation_hours

    def encode_json(self, data: object) -> str:
        """A response or subscription message as compact JSON text (orjson: about a tenth of
        the standard library's time for a page of orders; text, so WebSocket frames stay
        text frames). What orjson refuses (an integer past 64 bits) goes the slow way."""
        try:
            return orjson.dumps(data).decode()
        except orjson.JSONEncodeError:
            return json.dumps(data, separators=(",", ":"))

    def decode_json(self, data: str | bytes) -> object:
        """A request's JSON: UTF-8, an object (or a list, for batches), nested boundedly."""
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
            value = json.loads(text)
        except UnicodeDecodeError as error:
            raise HTTPException(400, "The request body is not valid UTF-8.") from error
        except RecursionError as error:
            raise HTTPException(400, _TOO_DEEP) from error
        except ValueError as error:
            raise HTTPException(400, f"The request body is not valid JSON: {error}.") from error
        if not isinstance(value, dict | list):
            raise HTTPException(400, "Expected a JSON object with a `query` string.")
        if _nesting(value) > MAX_JSON_DEPTH:
            raise HTTPException(400, _TOO_DEEP)
        return value

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        """Strawberry's parsing, then the checks it leaves out: the operation name's type, and
        operation names unique within the document."""
        data = await super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            _check_operations(item)
        return data

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = Context(
            request=request,
            session_factory=self.session_factory,
            db=RequestDatabase(self.session_factory),
            limits=self.limits,
            allow_private_urls=self.allow_private_urls,
            session_policy=self.session_policy,
            invitation_base_url=self.cookie_policy.public_url or str(request.base_url).rstrip("/"),
            invitation_hours=self.invitation_hours,
        )
        if isinstance(request, WebSocket):
            request.scope[_WS_CONTEXT] = context  # closed with the socket, in `run`
        return context

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from this server's own assets, never a CDN (see api/graphiql.py)."""
        return graphiql_page(request)

    async def on_ws_connect(self, context: Context) -> UnsetType:
        """Authenticate a WebSocket at ``connection_init``; a bad or missing key closes it, 4403.

        Without a key in the payload, the session cookie counts when the socket was opened
        from this server's origin and the payload carries ``{"csrfToken": <CSRF cookie>}``.
        """
        params = context.connection_params or {}
        token = None if params.get("Authorization") else session_credentials(context.request)
        if token is not None:
            presented = params.get("csrfToken")
            if not (
                self.cookie_policy.same_origin(context.request, required=True)
                and csrf_matches(context.request, presented)
            ):
                raise ConnectionRejectionError({"code": "CSRF_REFUSED"})
            context.session_cookie = (token, str(presented))
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
            if await self._cross_site(request, own):
                return csrf_refused()
            async with asyncio.timeout(self.request_timeout):
                return await super().run(request, context=own)
        except TimeoutError:
            return _timed_out(self.request_timeout)
        finally:
            await own.db.close()
            own.release()

    async def _cross_site(self, request: Request, context: Context) -> bool:
        """Whether a cookie request fails its CSRF checks; one that passes authenticates now,
        so that a CSRF token that is not its session's is refused (403) like a missing one."""
        token = session_credentials(request)
        if token is None or (request.method == "GET" and "query" not in request.query_params):
            return False  # a key, no credentials, or GraphiQL's page
        presented = request.headers.get(CSRF_HEADER)
        if not (self.cookie_policy.same_origin(request) and csrf_matches(request, presented)):
            return True
        context.session_cookie = (token, str(presented))
        try:
            await context.scope()
        except PublicError as error:
            return error.extensions.get("code") == "CSRF_REFUSED"
        return False


_TOO_DEEP = f"The request's JSON nests deeper than {MAX_JSON_DEPTH} levels."


def _nesting(value: object) -> int:
    """How deeply `value` nests lists and objects, without recursion."""
    deepest = 0
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                return depth
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return deepest


def _check_operations(data: GraphQLRequestData) -> None:
    if not isinstance(data.operation_name, str | None):
        raise HTTPException(400, "The `operationName` must be a string or null.")
    if not isinstance(data.query, str):
        return
    try:
        document = parse_document(data.query)
    except GraphQLError:
        return  # answered as a GraphQL error, with its location
    names = Counter(o.name.value for o in operations_of(document) if o.name is not None)
    repeated = sorted(name for name, count in names.items() if count > 1)
    if repeated:
        raise HTTPException(
            400, f"Operation names must be unique; the document repeats {', '.join(repeated)}."
        )


def _timed_out(seconds: float | None) -> JSONResponse:
    error = {
        "message": f"The request did not finish within {seconds} seconds.",
        "extensions": {"code": "REQUEST_TIMEOUT"},
    }
    return JSONResponse({"errors": [error]}, status_code=503)
