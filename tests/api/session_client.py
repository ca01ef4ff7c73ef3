"""A browser's view of the app for tests: sign in, then send the cookies it was given."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.testclient import TestClient

STAFF = ("ops@northwind.example", "northwind-demo-staff")
MERCHANT = ("merchant@acme.example", "acme-demo-merchant")
SUPPLIER = ("supplier@trailgear.example", "trail-demo-supplier")
ORIGIN = "http://testserver"
VIEWER = "{ viewer { kind scopes user { id name email role } client { code } } }"


@dataclass
class Browser:
    """The two cookies of one signed-in browser."""

    session: str
    csrf: str

    def cookie_header(self) -> str:
        return f"crossdock_session={self.session}; crossdock_csrf={self.csrf}"

    def headers(self, *, csrf: str | None = "same", origin: str | None = ORIGIN) -> dict[str, str]:
        """What the app sends: cookies, the CSRF header (unless None) and an Origin."""
        headers = {"Cookie": self.cookie_header()}
        if csrf is not None:
            headers["X-CSRF-Token"] = self.csrf if csrf == "same" else csrf
        if origin is not None:
            headers["Origin"] = origin
        return headers


def sign_in(http: TestClient, email: str, password: str, **headers: str) -> Any:
    """POST /auth/sign-in from the app's own origin, leaving the client's cookie jar empty."""
    response = http.post(
        "/auth/sign-in",
        json={"email": email, "password": password},
        headers={"Origin": ORIGIN, **headers},
    )
    http.cookies.clear()
    return response


def signed_in(http: TestClient, who: tuple[str, str]) -> Browser:
    """A browser signed in as `who`."""
    response = sign_in(http, *who)
    assert response.status_code == 200, response.text
    return Browser(response.cookies["crossdock_session"], response.cookies["crossdock_csrf"])


def graphql(
    http: TestClient, browser: Browser, query: str, variables: dict | None = None, **options: Any
) -> Any:
    """A GraphQL request as the web app sends it (cookies, CSRF header, Origin)."""
    response = http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers=browser.headers(**options),
    )
    http.cookies.clear()
    return response
