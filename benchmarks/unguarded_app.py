"""The API without its hostile-input checks, to measure what those checks cost (uvicorn
--factory benchmarks.unguarded_app:create). Benchmark only: never served.

What it leaves out: the JSON checks on the request body (UTF-8, an object, nesting), the
operation-name check, the per-request deadline, and the document guard (token limit, depth
measured once per fragment, strings in variables, the key checked before validation); it
uses strawberry's parser cache and depth limiter instead, as the API did before.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.responses import Response
from strawberry.extensions import ParserCache, QueryDepthLimiter, ValidationCache
from strawberry.http.async_base_view import AsyncBaseHTTPView
from strawberry.http.base import BaseView

import crossdock.app
from api.errors import CrossdockSchema, error_masking
from api.events import schema as events
from api.limits.extension import QueryCostLimit
from api.schema import Mutation, Query
from api.view import CrossdockGraphQL


class _UnguardedView(CrossdockGraphQL):
    """The view with strawberry's own body parsing and no deadline."""

    decode_json = BaseView.decode_json
    parse_http_body = AsyncBaseHTTPView.parse_http_body  # type: ignore[assignment]

    async def run(self, request: Any, context: Any = None, root_value: Any = None) -> Any:  # type: ignore[override]
        own = await self.get_context(request, response=Response())
        try:
            return await AsyncBaseHTTPView.run(self, request, context=own)
        finally:
            await own.db.close()


def _unguarded_schema(max_query_depth: int = 12) -> CrossdockSchema:
    return CrossdockSchema(
        query=Query,
        mutation=Mutation,
        subscription=events.Subscription,
        extensions=[
            lambda: ParserCache(maxsize=512),
            lambda: ValidationCache(maxsize=512),
            lambda: QueryDepthLimiter(max_depth=max_query_depth),
            QueryCostLimit,
            error_masking,
        ],
    )


def create() -> Starlette:
    """crossdock.app's `from_env`, with the unguarded schema and view swapped in."""
    crossdock.app.build_schema = _unguarded_schema  # type: ignore[assignment]
    crossdock.app.CrossdockGraphQL = _UnguardedView  # type: ignore[misc]
    return crossdock.app.from_env()
