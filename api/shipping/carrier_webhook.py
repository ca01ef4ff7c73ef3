"""The HTTP endpoint carriers push tracking to; see `domain.shipping.push` for its contract."""

from __future__ import annotations

import logging
import uuid

import anyio.to_thread
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from api.context import parse_uuid
from domain.shipping.push import SIGNATURE_HEADER, PushRefused, PushResult, receive_push
from tenants.unit_of_work import TenantUnitOfWork

log = logging.getLogger("crossdock.api.carrier_webhook")

MAX_PUSH_BYTES = 256 * 1024
PATH = "/carriers/{kind}/webhook/{provider_id}/{account_id}"


def carrier_webhook_routes(session_factory: sessionmaker[Session]) -> list[Route]:
    """The route to mount in the app."""

    def apply(
        provider_id: uuid.UUID, kind: str, account_id: uuid.UUID, body: bytes, signature: str | None
    ) -> PushResult:
        with TenantUnitOfWork.operator(session_factory, provider_id) as uow:
            result = receive_push(uow, kind, account_id, body, signature)
            uow.commit()
            return result

    async def endpoint(request: Request) -> JSONResponse:
        provider_id = parse_uuid(request.path_params["provider_id"])
        account_id = parse_uuid(request.path_params["account_id"])
        body = await request.body()
        if len(body) > MAX_PUSH_BYTES:
            return JSONResponse({"error": "body too large"}, status_code=413)
        if provider_id is None or account_id is None:
            return JSONResponse({"error": "Unknown account or bad signature."}, status_code=401)
        try:
            result = await anyio.to_thread.run_sync(
                apply,
                provider_id,
                request.path_params["kind"],
                account_id,
                body,
                request.headers.get(SIGNATURE_HEADER),
            )
        except PushRefused as refused:
            return JSONResponse({"error": refused.message}, status_code=refused.status)
        log.info("tracking push for %s: %d new events", result.shipment_id, result.events_added)
        return JSONResponse({"received": True, "events_added": result.events_added})

    return [Route(PATH, endpoint, methods=["POST"])]
