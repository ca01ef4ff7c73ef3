"""What the fake shops share: programmable faults, a request log, webhooks, and a server.

A fault answers the next `remaining` requests whose path contains `path` with `status`
(and `Retry-After`), or with nothing for `delay` seconds first (a timeout when the client
gives up sooner). `down()` fails everything until `up()`.

Webhooks: `subscribe(send)` makes the shop deliver its webhooks (signed, as the platform
does) through `send(headers, body)` when its state changes; `post_to(url)` makes such a
sender for a served Crossdock. Their faults as platforms have them: `duplicate_webhooks(n)`
sends every delivery n more times, `hold_webhooks()` keeps deliveries back until
`release_webhooks()` sends them, newest first (reordered) unless told otherwise.

A slow shop: `hold_requests(path, remaining)` holds the next `remaining` requests whose path
contains `path` (each sets the gate's `arrived`) until the gate is opened or its `timeout`
runs out, then answers them as usual.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from tests.fakes.background_server import BackgroundServer

__all__ = ["BackgroundServer", "Fault", "FaultyShop", "Gate", "post_to"]

Endpoint = Callable[[Request], Awaitable[Response]]
Delivery = tuple[dict[str, str], bytes]
Sender = Callable[[dict[str, str], bytes], int]
"""Delivers one webhook (headers, body); the receiver's status code."""


def post_to(url: str) -> Sender:
    """A sender POSTing deliveries to `url` (a served Crossdock's webhook address)."""

    def send(headers: dict[str, str], body: bytes) -> int:
        return httpx.post(url, content=body, headers=headers, timeout=20).status_code

    return send


@dataclass
class Fault:
    """What the next `remaining` matching requests get instead of an answer."""

    remaining: int
    status: int = 503
    delay: float = 0.0
    retry_after: str | None = None
    path: str | None = None
    body: dict | None = None


@dataclass
class Gate:
    """Requests held by the shop before it answers them (see `FaultyShop.hold_requests`)."""

    path: str
    remaining: int
    timeout: float = 10.0
    arrived: threading.Event = field(default_factory=threading.Event)
    opened: threading.Event = field(default_factory=threading.Event)

    def open(self) -> None:
        """Answer the requests held, and the next ones it would hold, at once."""
        self.opened.set()


@dataclass
class FaultyShop:
    """The faults, the log and the lock of one fake shop."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    faults: list[Fault] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    is_down: bool = False
    webhook_sender: Sender | None = None
    webhook_copies: int = 1
    holding_webhooks: bool = False
    held_webhooks: list[Delivery] = field(default_factory=list)
    delivered: list[int] = field(default_factory=list)
    """The receiver's status code for every delivery sent, duplicates included."""

    def add_fault(self, **spec: object) -> None:
        """Queue a fault (see the module docstring)."""
        with self.lock:
            self.faults.append(Fault(**spec))  # type: ignore[arg-type]

    def hold_requests(self, path: str, remaining: int = 1, timeout: float = 10.0) -> Gate:
        """Hold the next `remaining` requests to a path containing `path` until the gate is
        opened (or `timeout` seconds), then answer them as usual."""
        gate = Gate(path, remaining, timeout)
        with self.lock:
            self.gates.append(gate)
        return gate

    def down(self) -> None:
        """Answer every request 503 until `up`."""
        self.is_down = True

    def up(self) -> None:
        """Answer normally again."""
        self.is_down = False

    def subscribe(self, send: Sender) -> None:
        """Deliver the shop's webhooks through `send` from now on."""
        self.webhook_sender = send

    def duplicate_webhooks(self, extra: int = 1) -> None:
        """Send every delivery `extra` more times (platforms retry what they think failed)."""
        self.webhook_copies = 1 + extra

    def hold_webhooks(self) -> None:
        """Keep deliveries back until `release_webhooks`."""
        self.holding_webhooks = True

    def release_webhooks(self, reverse: bool = True) -> list[int]:
        """Send the held deliveries, newest first unless `reverse` is False; status codes."""
        self.holding_webhooks = False
        held, self.held_webhooks = self.held_webhooks, []
        sent: list[int] = []
        for headers, body in reversed(held) if reverse else held:
            sent.extend(self._send(headers, body))
        return sent

    def emit(self, delivery: Delivery) -> list[int]:
        """Deliver one webhook as subscribed and faulted (call outside `lock`)."""
        if self.webhook_sender is None:
            return []
        if self.holding_webhooks:
            self.held_webhooks.append(delivery)
            return []
        return self._send(*delivery)

    def _send(self, headers: dict[str, str], body: bytes) -> list[int]:
        assert self.webhook_sender is not None
        sent = [self.webhook_sender(headers, body) for _ in range(self.webhook_copies)]
        self.delivered.extend(sent)
        return sent

    def count(self, method: str, fragment: str) -> int:
        """Requests made with `method` to a path containing `fragment`."""
        with self.lock:
            return sum(1 for m, p in self.calls if m == method and fragment in p)

    def guard(self, endpoint: Endpoint, authorized: Callable[[Request], bool]) -> Endpoint:
        """Log the request, apply a fault or an outage, check credentials, then answer."""

        async def run(request: Request) -> Response:
            path = request.url.path
            with self.lock:
                self.calls.append((request.method, path))
                fault = next(
                    (f for f in self.faults if f.remaining > 0 and (f.path or "") in path), None
                )
                if fault:
                    fault.remaining -= 1
                gate = next((g for g in self.gates if g.remaining > 0 and g.path in path), None)
                if gate:
                    gate.remaining -= 1
            if gate:
                gate.arrived.set()
                await asyncio.to_thread(gate.opened.wait, gate.timeout)
            if self.is_down:
                return JSONResponse({"message": "Service unavailable"}, 503)
            if fault:
                await asyncio.sleep(fault.delay)
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else None
                body = fault.body or {"message": f"Injected fault {fault.status}."}
                return JSONResponse(body, fault.status, headers=headers)
            if not authorized(request):
                return JSONResponse({"code": "unauthorized", "message": "Bad credentials."}, 401)
            return await endpoint(request)

        return run


def shop_app(routes: list[BaseRoute], api_root: str) -> Starlette:
    """A fake shop's app: its API at `api_root`, also under any path prefix
    (`<server>/<shop>/<api_root>...`), so that tests may connect several shops, each at its
    own address (as WordPress sites in subdirectories), to one fake server. Routes added
    later (the merchant's side) are answered as they are."""

    def strip_prefix(app: ASGIApp) -> ASGIApp:
        async def run(scope: Scope, receive: Receive, send: Send) -> None:
            path = scope.get("path", "")
            at = path.find(api_root)
            if scope["type"] == "http" and at > 0:
                scope = {**scope, "path": path[at:], "raw_path": path[at:].encode()}
            await app(scope, receive, send)

        return run

    return Starlette(routes=routes, middleware=[Middleware(strip_prefix)])
