"""What the fake shops share: programmable faults, a request log, and a background server.

A fault answers the next `remaining` requests whose path contains `path` with `status`
(and `Retry-After`), or with nothing for `delay` seconds first (a timeout when the client
gives up sooner). `down()` fails everything until `up()`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tests.fakes.background_server import BackgroundServer

__all__ = ["BackgroundServer", "Fault", "FaultyShop"]

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
