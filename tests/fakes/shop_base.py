"""What the fake shops share: programmable faults, a request log, and a background server.

A fault answers the next `remaining` requests whose path contains `path` with `status`
(and `Retry-After`), or with nothing for `delay` seconds first (a timeout when the client
gives up sooner). `down()` fails everything until `up()`.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

Endpoint = Callable[[Request], Awaitable[Response]]


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
class FaultyShop:
    """The faults, the log and the lock of one fake shop."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    faults: list[Fault] = field(default_factory=list)
    calls: list[tuple[str, str]] = field(default_factory=list)
    is_down: bool = False

    def add_fault(self, **spec: object) -> None:
        """Queue a fault (see the module docstring)."""
        with self.lock:
            self.faults.append(Fault(**spec))  # type: ignore[arg-type]

    def down(self) -> None:
        """Answer every request 503 until `up`."""
        self.is_down = True

    def up(self) -> None:
        """Answer normally again."""
        self.is_down = False

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


class BackgroundServer:
    """An app served by uvicorn in a thread on 127.0.0.1 (a free port unless given)."""

    def __init__(self, app: Starlette, port: int = 0):
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", port))
        self.port: int = self._socket.getsockname()[1]
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        """The base URL."""
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the fake shop did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *_: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self._socket.close()
