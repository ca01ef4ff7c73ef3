"""People's way in against a real `crossdock serve --demo` process, over TCP: sign-in,
cookie requests (and their CSRF refusals), sign-out, and a cookie WebSocket."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from tests.serve_process import CROSSDOCK, Server, crossdock_env, free_port, running

STAFF = ("ops@northwind.example", "northwind-demo-staff")
VIEWER = "{ viewer { kind user { name email role } } }"
PROTOCOL = Subprotocol("graphql-transport-ws")


@pytest.fixture
def server(database, tmp_path) -> Iterator[Server]:
    """`crossdock serve --demo` on the test database."""
    port = free_port()
    env = crossdock_env(
        CROSSDOCK_DATABASE_URL=database.url, CROSSDOCK_MIGRATION_DATABASE_URL=database.admin_url
    )
    command = [*CROSSDOCK, "serve", "--demo", "--port", str(port)]
    with running(command, env, tmp_path / "serve.log", port) as running_server:
        yield running_server


def test_a_person_signs_in_works_and_signs_out_over_tcp(server):
    with httpx.Client(base_url=server.http_url, timeout=20) as http:
        # given: the demo printed its people
        assert STAFF[0] in server.output()
        assert STAFF[1] in server.output()
        origin = {"Origin": server.http_url}
        # when
        signed_in = http.post(
            "/auth/sign-in", json={"email": STAFF[0], "password": STAFF[1]}, headers=origin
        )
        assert signed_in.status_code == 200, signed_in.text
        csrf = http.cookies["crossdock_csrf"]
        answer = http.post(
            "/graphql", json={"query": VIEWER}, headers={**origin, "X-CSRF-Token": csrf}
        )
        cross_site = http.post(
            "/graphql",
            json={"query": VIEWER},
            headers={"Origin": "https://evil.example", "X-CSRF-Token": csrf},
        )
        without_token = http.post("/graphql", json={"query": VIEWER}, headers=origin)
        signed_out = http.post("/auth/sign-out", headers=origin)
        after = http.post(
            "/graphql", json={"query": VIEWER}, headers={**origin, "X-CSRF-Token": csrf}
        )
    # then
    assert answer.json()["data"]["viewer"] == {
        "kind": "PROVIDER",
        "user": {"name": "Olivia Ortega", "email": STAFF[0], "role": "PROVIDER_ADMIN"},
    }
    assert cross_site.status_code == without_token.status_code == 403
    assert cross_site.json()["errors"][0]["extensions"]["code"] == "CSRF_REFUSED"
    assert signed_out.status_code == 204
    assert "crossdock_session" not in http.cookies
    assert after.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def _socket_init(server: Server, cookies: str, origin: str, csrf: str | None) -> dict:
    headers = {"Cookie": cookies, "Origin": origin}
    try:
        ws = connect(
            server.ws_url, subprotocols=[PROTOCOL], additional_headers=headers, open_timeout=10
        )
    except InvalidStatus as refused:  # strawberry refuses cross-origin handshakes itself
        return {"handshake": refused.response.status_code}
    with ws:
        payload = {} if csrf is None else {"csrfToken": csrf}
        ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        try:
            ack = json.loads(ws.recv(timeout=10))
        except ConnectionClosed as closed:
            return {"closed": closed.rcvd.code if closed.rcvd else None}
        ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": VIEWER}}))
        return {"ack": ack, "answer": json.loads(ws.recv(timeout=10))}


def test_a_cookie_websocket_needs_the_origin_and_the_csrf_token(server):
    with httpx.Client(base_url=server.http_url, timeout=20) as http:
        http.post(
            "/auth/sign-in",
            json={"email": STAFF[0], "password": STAFF[1]},
            headers={"Origin": server.http_url},
        ).raise_for_status()
        session, csrf = http.cookies["crossdock_session"], http.cookies["crossdock_csrf"]
    cookies = f"crossdock_session={session}; crossdock_csrf={csrf}"
    # when
    accepted = _socket_init(server, cookies, server.http_url, csrf)
    other_origin = _socket_init(server, cookies, "https://evil.example", csrf)
    no_token = _socket_init(server, cookies, server.http_url, None)
    # then
    assert accepted["ack"] == {"type": "connection_ack"}
    assert accepted["answer"]["payload"]["data"]["viewer"]["user"]["email"] == STAFF[0]
    assert other_origin == {"handshake": 403}
    assert no_token == {"closed": 4403}
