"""Around every HTTP request and WebSocket: its request id, one log line, a response count."""

from __future__ import annotations

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from telemetry import request_ids
from telemetry.metrics import instruments

log = logging.getLogger("crossdock.http")

ROUTES = frozenset({"/graphql", "/healthz", "/readyz", "/metrics"})
"""Paths counted under their own name; everything else is ``other`` (bounded labels)."""
_HEADER = request_ids.HEADER.lower().encode()


class RequestTelemetry:
    """Accept a sane ``X-Request-Id`` or make one, bind it while the request runs, return it
    in the response header, and log and count the response once it is sent."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(_HEADER)
        request_id = request_ids.accept_or_new(incoming.decode("latin-1") if incoming else None)
        started = time.perf_counter()
        status = 0

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                MutableHeaders(scope=message)[request_ids.HEADER] = request_id
            await send(message)

        with request_ids.bound(request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                if scope["type"] == "http":
                    self._finished(scope, status or 500, time.perf_counter() - started)

    @staticmethod
    def _finished(scope: Scope, status: int, seconds: float) -> None:
        path = scope.get("path", "")
        route = path if path in ROUTES else "other"
        instruments().http_responses.labels(route, str(status)).inc()
        if route in ("/healthz", "/readyz", "/metrics"):
            return  # probes and scrapes every few seconds would drown the log
        client = scope.get("client")
        log.info(
            "%s %s %d %.1fms",
            scope.get("method", ""),
            path,
            status,
            seconds * 1000,
            extra={"method": scope.get("method"), "path": path, "status": status,
                   "duration_ms": round(seconds * 1000, 1),
                   "client": client[0] if client else None},
        )  # fmt: skip
