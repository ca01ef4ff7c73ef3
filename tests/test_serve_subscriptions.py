"""Subscriptions against a real `crossdock serve` process, over TCP, with a real WebSocket client.

The in-process tests of tests/api/test_subscriptions.py cannot see whether the server
process has a WebSocket implementation at all; these can. Both command lines are run:
`crossdock serve` and the Docker image's (its entrypoint with its default `serve`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Subprotocol

from tests.factories import make_tenant
from tests.outbox_factories import record_events
from tests.serve_process import (
    CROSSDOCK,
    ENTRYPOINT,
    ROOT,
    Server,
    crossdock_env,
    free_port,
    running,
)

PROTOCOL = Subprotocol("graphql-transport-ws")
ORDER_EVENTS = "subscription { orderEvents { id topic payload } }"
SETTLE_S = 0.5
"""Subscriptions start from now: give the server a moment to start following."""
QUIET_S = 1.5
"""How long a subscription must stay silent to count as having received nothing."""

COMMAND_LINES = {
    "crossdock serve": lambda port: [*CROSSDOCK, "serve", "--port", str(port)],
    # the image runs `docker-entrypoint.sh serve`; only the port differs from the image's
    "image entrypoint": lambda port: [*ENTRYPOINT, "serve", "--port", str(port)],
}


@pytest.fixture(params=list(COMMAND_LINES))
def server(request, database, tmp_path):
    """The server started by each command line."""
    with start(request.param, database, tmp_path) as running_server:
        yield running_server


@pytest.fixture
def serve_process(database, tmp_path):
    """The server started by `crossdock serve`."""
    with start("crossdock serve", database, tmp_path) as running_server:
        yield running_server


@contextmanager
def start(command_line: str, database, tmp_path) -> Iterator[Server]:
    port = free_port()
    env = crossdock_env(
        CROSSDOCK_DATABASE_URL=database.url, CROSSDOCK_MIGRATION_DATABASE_URL=database.admin_url
    )
    with running(COMMAND_LINES[command_line](port), env, tmp_path / "serve.log", port) as server:
        yield server


def send(ws: ClientConnection, message: dict[str, Any]) -> None:
    ws.send(json.dumps(message))


def receive(ws: ClientConnection, timeout: float = 10.0) -> dict[str, Any]:
    return json.loads(ws.recv(timeout=timeout))


@contextmanager
def subscribed(url: str, key: str) -> Iterator[ClientConnection]:
    """A graphql-transport-ws connection with one `orderEvents` subscription under `key`."""
    with connect(url, subprotocols=[PROTOCOL], open_timeout=10) as ws:
        assert ws.subprotocol == PROTOCOL
        send(ws, {"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
        assert receive(ws) == {"type": "connection_ack"}
        send(ws, {"id": "1", "type": "subscribe", "payload": {"query": ORDER_EVENTS}})
        yield ws


def next_event(ws: ClientConnection) -> dict[str, Any]:
    message = receive(ws)
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["orderEvents"]


def test_each_client_hears_only_its_own_order_events_over_tcp(server, database):
    # given
    tenant = make_tenant(database)
    a_key, b_key = tenant.clients["A"].key, tenant.clients["B"].key
    with subscribed(server.ws_url, a_key) as a, subscribed(server.ws_url, b_key) as b:
        time.sleep(SETTLE_S)
        # when
        own = record_events(database, tenant, 2, client="A")
        heard_by_a = [next_event(a), next_event(a)]
        with pytest.raises(TimeoutError):
            receive(b, timeout=QUIET_S)
        # B's subscription is alive: its own event arrives, and is the first it hears
        [b_event] = record_events(database, tenant, 1, client="B")
        heard_by_b = next_event(b)
    # then
    assert {event["id"] for event in heard_by_a} == {str(event) for event in own}
    assert {event["topic"] for event in heard_by_a} == {"ORDER_CREATED"}
    assert heard_by_b["id"] == str(b_event)


def test_a_bad_or_missing_key_is_closed_with_4403(serve_process, database):
    # given
    make_tenant(database)
    codes = []
    for payload in ({"Authorization": "Bearer cdk_bogus_0123456789abcdef"}, {}):
        with connect(serve_process.ws_url, subprotocols=[PROTOCOL], open_timeout=10) as ws:
            # when
            send(ws, {"type": "connection_init", "payload": payload})
            with pytest.raises(ConnectionClosed) as closed:
                receive(ws)
        codes.append(closed.value.rcvd.code if closed.value.rcvd else None)
    # then
    assert codes == [4403, 4403]


def locked_names(lock: str) -> set[str]:
    """Distribution names pinned in a lock file of the repository."""
    text = (ROOT / lock).read_text()
    return {line.split("==", 1)[0].lower() for line in text.splitlines() if "==" in line}


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements.runtime.lock"])
def test_both_locks_give_uvicorn_its_websocket_http_and_loop_implementations(lock):
    # without websockets (or wsproto) uvicorn answers every upgrade with 400
    assert {"uvicorn", "websockets", "httptools", "uvloop"} <= locked_names(lock)


def test_uvicorn_picks_websockets_httptools_and_uvloop():
    # given
    from uvicorn.loops.auto import auto_loop_factory
    from uvicorn.protocols.http.auto import AutoHTTPProtocol
    from uvicorn.protocols.websockets.auto import AutoWebSocketsProtocol

    # when
    loop = auto_loop_factory()()
    try:
        # then
        assert AutoWebSocketsProtocol is not None
        assert AutoWebSocketsProtocol.__module__.endswith("websockets_sansio_impl")
        assert AutoHTTPProtocol.__name__ == "HttpToolsProtocol"
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()
