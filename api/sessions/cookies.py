"""The session and CSRF cookies, and the same-origin checks cookie requests must pass.

A cookie request is one without an ``Authorization`` header that carries the session
cookie. It must send ``X-CSRF-Token`` equal to the CSRF cookie (which must also be the
session's own, checked against its stored hash), and an ``Origin``, when present (over
WebSocket: always), equal to the server's.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, Response

from api.context import bearer_token

SESSION_COOKIE = "crossdock_session"
CSRF_COOKIE = "crossdock_csrf"
CSRF_HEADER = "x-csrf-token"


@dataclass(frozen=True)
class CookiePolicy:
    """Where the app is served from (None: wherever each request says) and for how long
    a session cookie is kept."""

    public_url: str | None = None
    max_age_seconds: int = 12 * 3600

    def origin(self, connection: HTTPConnection) -> str:
        """The server's own origin: the configured public URL's, else the request's."""
        if self.public_url:
            scheme, _, rest = self.public_url.partition("://")
            return f"{scheme.lower()}://{rest.split('/', 1)[0].lower()}"
        host = connection.headers.get("host", "")
        return f"{connection.url.scheme.replace('ws', 'http')}://{host.lower()}"

    def secure(self, connection: HTTPConnection) -> bool:
        """Whether cookies get the Secure flag: the app is reached over https."""
        return self.origin(connection).startswith("https://")

    def same_origin(self, connection: HTTPConnection, *, required: bool = False) -> bool:
        """Whether the request's Origin is the server's (absent counts unless `required`)."""
        origin = connection.headers.get("origin")
        if origin is None:
            return not required
        return origin.rstrip("/").lower() == self.origin(connection)


def session_credentials(connection: HTTPConnection) -> str | None:
    """The session cookie, when the request authenticates with it (no key in an
    ``Authorization`` header: GraphiQL's empty ``Bearer `` placeholder counts as none)."""
    if bearer_token(connection.headers.get("authorization", "")) is not None:
        return None
    return connection.cookies.get(SESSION_COOKIE) or None


def csrf_matches(connection: HTTPConnection, presented: object) -> bool:
    """Whether `presented` (the header, or the WebSocket's payload) equals the CSRF cookie."""
    cookie = connection.cookies.get(CSRF_COOKIE)
    if not cookie or not isinstance(presented, str) or not presented:
        return False
    return hmac.compare_digest(cookie.encode(), presented.encode())


def set_session_cookies(
    response: Response, connection: HTTPConnection, policy: CookiePolicy, token: str, csrf: str
) -> None:
    """Hand the browser a new session (HttpOnly, Lax) and its CSRF token (readable, Strict)."""
    secure = policy.secure(connection)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=policy.max_age_seconds, path="/",
        httponly=True, samesite="lax", secure=secure,
    )  # fmt: skip
    response.set_cookie(
        CSRF_COOKIE, csrf, max_age=policy.max_age_seconds, path="/",
        httponly=False, samesite="strict", secure=secure,
    )  # fmt: skip


def clear_session_cookies(
    response: Response, connection: HTTPConnection, policy: CookiePolicy
) -> None:
    """Tell the browser to forget both cookies."""
    secure = policy.secure(connection)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
    response.delete_cookie(CSRF_COOKIE, path="/", samesite="strict", secure=secure)


def csrf_refused() -> JSONResponse:
    """403 in GraphQL's shape, for a cookie request that failed a cross-site check."""
    error = {
        "message": "Cookie requests must come from this server's origin and send X-CSRF-Token.",
        "extensions": {"code": "CSRF_REFUSED"},
    }
    return JSONResponse({"errors": [error]}, status_code=403)
