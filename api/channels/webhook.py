"""The HTTP endpoint shops send webhooks to: signature first, then the orders it carries.

``POST /channels/{kind}/webhook/{provider_id}/{connection_id}``. The signature is checked on
the raw body before anything reads it; an unknown connection and a bad signature get the
same 401, logged with the connection and the body's length, never the body.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping

import anyio.to_thread
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.context import parse_uuid
from services.channel_imports import ImportSummary, WebhookRefused, receive_webhook
from tenants.unit_of_work import TenantUnitOfWork

log = logging.getLogger("crossdock.api.channel_webhook")

MAX_WEBHOOK_BYTES = 1024 * 1024
PATH = "/channels/{kind}/webhook/{provider_id}/{connection_id}"
REFUSED = {"error": "Unknown connection or bad signature."}


def channel_webhook_routes(session_factory: sessionmaker[Session]) -> list[Route]:
    """The route to mount in the app."""

    def apply(
        provider_id: uuid.UUID,
        connection_id: uuid.UUID,
        kind: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> ImportSummary:
        return receive_webhook(
            lambda: TenantUnitOfWork.operator(session_factory, provider_id),
            connection_id,
            kind,
            headers,
            body,
        )

    async def endpoint(request: Request) -> JSONResponse:
        provider_id = parse_uuid(request.path_params["provider_id"])
        connection_id = parse_uuid(request.path_params["connection_id"])
        body = await request.body()
        if len(body) > MAX_WEBHOOK_BYTES:
            return JSONResponse({"error": "body too large"}, status_code=413)
        kind = request.path_params["kind"]
        if provider_id is None or connection_id is None:
            return JSONResponse(REFUSED, status_code=401)
        headers = {name.lower(): value for name, value in request.headers.items()}
        try:
            summary = await anyio.to_thread.run_sync(
                apply, provider_id, connection_id, kind, headers, body
            )
        except WebhookRefused:
            log.warning(
                "channel webhook refused: %s connection %s of provider %s (%d bytes)",
                kind,
                connection_id,
                provider_id,
                len(body),
            )
            return JSONResponse(REFUSED, status_code=401)
        return JSONResponse(
            {
                "received": True,
                "imported": summary.imported,
                "outcomes": {outcome.value: n for outcome, n in summary.counts.items()},
                "malformed": summary.malformed,
            }
        )

    return [Route(PATH, endpoint, methods=["POST"])]
