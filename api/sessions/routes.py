"""``/auth/sign-in``, ``/auth/sign-out`` and ``/auth/accept-invitation``: the only endpoints
besides ``/graphql`` the web app uses. Answers never contain a password, and neither
do logs, errors or the audit trail (which records each sign-in, refusal and sign-out of
a known account)."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from typing import Any

import anyio.to_thread
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api.sessions.cookies import (
    SESSION_COOKIE,
    CookiePolicy,
    clear_session_cookies,
    set_session_cookies,
)
from domain.audit.sign_ins import record_sign_in
from tenants.errors import UserFacingError
from tenants.sessions import (
    InvalidCredentials,
    SessionPolicy,
    SignedIn,
    SignInThrottled,
    end_session,
    sign_in,
)
from tenants.users import InvitationInvalid, accept_invitation

WRONG = "The e-mail address or the password is wrong."


def session_routes(
    session_factory: sessionmaker[Session], policy: SessionPolicy, cookies: CookiePolicy
) -> list[Route]:
    """The sign-in, sign-out and invitation endpoints for one app."""

    def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with session_factory() as session:
            return fn(session, *args, **kwargs)

    async def sign_in_endpoint(request: Request) -> Response:
        body = await _fields(request, "email", "password")
        if isinstance(body, Response):
            return body
        if not cookies.same_origin(request):
            return _error(403, "CSRF_REFUSED", "Sign in from this server's own pages.")
        try:
            signed_in = await anyio.to_thread.run_sync(
                partial(
                    run, sign_in, body["email"], body["password"],
                    client_address=_address(request), policy=policy,
                    replacing=request.cookies.get(SESSION_COOKIE), record=record_sign_in,
                )
            )  # fmt: skip
        except InvalidCredentials:
            return _error(401, "INVALID_CREDENTIALS", WRONG)
        except SignInThrottled as throttled:
            return _throttled(throttled.retry_after)
        return _signed_in(request, signed_in)

    async def sign_out_endpoint(request: Request) -> Response:
        if not cookies.same_origin(request):
            return _error(403, "CSRF_REFUSED", "Sign out from this server's own pages.")
        token = request.cookies.get(SESSION_COOKIE)
        await anyio.to_thread.run_sync(
            partial(
                run, end_session, token, record=record_sign_in, client_address=_address(request)
            )
        )
        response = Response(status_code=204)
        clear_session_cookies(response, request, cookies)
        return response

    async def accept_invitation_endpoint(request: Request) -> Response:
        body = await _fields(request, "token", "name", "password")
        if isinstance(body, Response):
            return body
        if not cookies.same_origin(request):
            return _error(403, "CSRF_REFUSED", "Accept invitations on this server's own pages.")
        try:
            signed_in = await anyio.to_thread.run_sync(
                partial(
                    run, accept_invitation, body["token"], body["name"], body["password"],
                    policy=policy, replacing=request.cookies.get(SESSION_COOKIE),
                    record=record_sign_in, client_address=_address(request),
                )
            )  # fmt: skip
        except InvitationInvalid:
            return _error(404, "INVITATION_INVALID", "The invitation is unknown, used or expired.")
        except UserFacingError as refusal:
            return _error(400, "BAD_USER_INPUT", refusal.message, field=refusal.field)
        return _signed_in(request, signed_in)

    def _signed_in(request: Request, signed_in: SignedIn) -> Response:
        user = signed_in.user
        response = JSONResponse(
            {
                "user": {
                    "id": _global_id("User", str(user.id)),
                    "name": user.name,
                    "email": user.email,
                    "tenantKind": user.kind.name,
                    "role": user.role.name,
                }
            },
            headers={"Cache-Control": "no-store"},
        )
        set_session_cookies(response, request, cookies, signed_in.token, signed_in.csrf_token)
        return response

    return [
        Route("/auth/sign-in", sign_in_endpoint, methods=["POST"]),
        Route("/auth/sign-out", sign_out_endpoint, methods=["POST"]),
        Route("/auth/accept-invitation", accept_invitation_endpoint, methods=["POST"]),
    ]


async def _fields(request: Request, *names: str) -> dict[str, str] | Response:
    """The JSON body's string fields `names`, or a 400 answer saying what is wrong."""
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return _error(400, "BAD_REQUEST", "The body must be a JSON object.")
    if not isinstance(body, dict):
        return _error(400, "BAD_REQUEST", "The body must be a JSON object.")
    missing = [name for name in names if not isinstance(body.get(name), str)]
    if missing:
        return _error(400, "BAD_REQUEST", f"Send {', '.join(missing)} as strings.")
    return {name: body[name] for name in names}


def _address(request: Request) -> str | None:
    """The client's IP address, as the throttle and the audit trail know it."""
    return request.client.host if request.client else None


def _global_id(type_name: str, node_id: str) -> str:
    from strawberry import relay

    return str(relay.GlobalID(type_name, node_id))


def _throttled(retry_after: int) -> JSONResponse:
    error = {
        "code": "THROTTLED",
        "message": "Too many failed sign-ins; try again later.",
        "retryAfter": retry_after,
    }
    return JSONResponse(
        {"error": error}, status_code=429, headers={"Retry-After": str(retry_after)}
    )


def _error(status: int, code: str, message: str, field: str | None = None) -> JSONResponse:
    error: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    return JSONResponse({"error": error}, status_code=status)
