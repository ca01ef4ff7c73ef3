"""The ASGI application: GraphQL, health and readiness, metrics, request limits, lifespan."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from api.channels.webhook import channel_webhook_routes
from api.graphiql import graphiql_assets
from api.limits.extension import QueryLimits
from api.schema import build_schema
from api.sessions.cookies import CookiePolicy
from api.sessions.routes import session_routes
from api.shipping.carrier_webhook import carrier_webhook_routes
from api.view import CrossdockGraphQL
from api.web_app import web_app_routes
from crossdock.adapters import install_adapters
from crossdock.background import EmbeddedBackground
from crossdock.backlog_metrics import OutboxBacklog, QueueBacklog
from crossdock.broker import make_broker
from crossdock.database import make_engine, make_session_factory
from crossdock.gc_tuning import tune_for_serving
from crossdock.health import broker_probe, database_probe, healthz, readiness
from crossdock.http_telemetry import RequestTelemetry
from crossdock.invalidations import invalidations_shared
from crossdock.limits import make_query_limits
from crossdock.secret_keys import install_secret_box
from crossdock.settings import Settings
from telemetry import logs
from telemetry.exposition import CONTENT_TYPE, Scrape
from telemetry.logs import stamp_request_ids
from telemetry.metrics import use_multiprocess
from tenants.sessions import SessionPolicy
from tenants.throttle import ThrottlePolicy
from workers import runtime


def create_app(
    settings: Settings, *, background: bool | None = None, limits: QueryLimits | None = None
) -> Starlette:
    """The whole API for `settings`; the engine lives as long as the app.

    With `background` (the default when no broker is configured) the lifespan also runs
    an in-process broker, worker and outbox relay, so one process does everything.
    `limits` replaces the cost and rate limits the settings describe (tests pass a clock).
    """
    install_adapters()
    stamp_request_ids()
    if background is None:
        background = settings.broker_url is None
    pool = settings.database_pool_size
    engine = make_engine(settings.database_url, pool_size=pool, max_overflow=pool)
    session_factory = make_session_factory(engine)
    install_secret_box(settings, session_factory)
    limits = limits or make_query_limits(settings)
    session_policy = session_policy_of(settings)
    cookie_policy = CookiePolicy(
        public_url=settings.public_url,
        max_age_seconds=int(session_policy.absolute.total_seconds()),
    )
    graphql = CrossdockGraphQL(
        build_schema(max_query_depth=settings.max_query_depth),
        session_factory,
        limits,
        allow_private_urls=settings.allow_private_urls,
        request_timeout=settings.request_timeout_seconds,
        session_policy=session_policy,
        cookie_policy=cookie_policy,
        invitation_hours=settings.invitation_hours,
    )

    probes = {"database": database_probe(engine)}
    if settings.broker_url is not None:
        probes["broker"] = broker_probe(settings.broker_url, settings.readiness_timeout_seconds)
    scrape = Scrape([OutboxBacklog(session_factory)])

    async def metrics(request: Request) -> Response:
        body = await anyio.to_thread.run_sync(scrape.render)
        return Response(body, media_type=CONTENT_TYPE)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        embedded = None
        if background:
            broker = make_broker(
                settings.broker_url,
                namespace=settings.broker_namespace,
                heartbeat_timeout_ms=settings.redis_heartbeat_timeout_ms,
                maintenance_chance=settings.redis_maintenance_chance,
            )
            runtime.configure_audit_retention(timedelta(days=settings.audit_retention_days))
            runtime.configure_redelivery_window(
                timedelta(seconds=settings.redelivery_after_seconds)
            )
            embedded = EmbeddedBackground(session_factory, broker)
            scrape.live.append(QueueBacklog(embedded.broker))
            embedded.start()
        try:
            with invalidations_shared(settings, listen=True):
                yield
        finally:
            if embedded is not None:
                scrape.live.remove(scrape.live[-1])
                await anyio.to_thread.run_sync(embedded.stop)
            engine.dispose()
            limits.close()

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readiness(probes, settings.readiness_timeout_seconds)),
            Route("/metrics", metrics),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            graphiql_assets(),
            *session_routes(session_factory, session_policy, cookie_policy),
            *carrier_webhook_routes(session_factory),
            *channel_webhook_routes(session_factory),
            *web_app_routes(),  # last: its fallback answers every other GET
        ],
        lifespan=lifespan,
    )
    app.state.session_factory = session_factory
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestTelemetry)  # outermost: a refused body has its id and count too
    return app


class BodySizeLimit:
    """Refuse request bodies over `max_bytes` with 413 before anything parses them."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _too_large()(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> dict:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            await _too_large()(scope, receive, send)


class BodyTooLarge(Exception):
    """A chunked body grew past the limit."""


def _too_large() -> JSONResponse:
    error = {"message": "Request body too large.", "extensions": {"code": "BODY_TOO_LARGE"}}
    return JSONResponse({"errors": [error]}, status_code=413)


def session_policy_of(settings: Settings) -> SessionPolicy:
    """Session lifetimes and sign-in throttling as configured."""
    return SessionPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        absolute=timedelta(hours=settings.session_max_hours),
        throttle=ThrottlePolicy(
            max_account_failures=settings.sign_in_max_failures,
            max_address_failures=settings.sign_in_max_failures_per_address,
            window=timedelta(minutes=settings.sign_in_lockout_minutes),
        ),
    )


def from_env() -> Starlette:
    """The app configured from the environment: `uvicorn --factory crossdock.app:from_env`.

    With `CROSSDOCK_METRICS_DIR` set, uvicorn's worker processes share their metrics there.
    """
    settings = Settings.from_env()
    if settings.metrics_dir:
        use_multiprocess(Path(settings.metrics_dir), clear=False)
    logs.configure(settings.log_level, settings.log_format)
    app = create_app(settings)
    tune_for_serving()
    return app
