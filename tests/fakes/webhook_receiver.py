"""A webhook receiver on loopback: verifies signatures as a customer would, records message ids.

`with WebhookReceiver() as receiver: ... receiver.url, receiver.received`; `receiver.stop()`
takes it down (connection refused) and `receiver.start()` brings it up on the same port.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from domain.webhooks.signing import SignatureError, verify


@dataclass
class Received:
    """One accepted message."""

    message_id: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class WebhookReceiver:
    """A receiver whose secret the test sets after creating the endpoint."""

    secret: str = ""
    answer: int = 200
    delay: float = 0.0
    """Seconds each answer takes (a slow receiver)."""
    port: int = field(default_factory=lambda: _free_port())
    received: list[Received] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    @property
    def message_ids(self) -> list[str]:
        return [message.message_id for message in self.received]

    async def _hook(self, request: Request) -> PlainTextResponse:
        body = await request.body()
        if self.delay:
            await asyncio.sleep(self.delay)
        try:
            message_id = verify(self.secret, request.headers, body)
        except SignatureError as error:
            self.rejected.append(str(error))
            return PlainTextResponse("bad signature", status_code=400)
        if self.answer >= 300:
            return PlainTextResponse("not now", status_code=self.answer)
        self.received.append(Received(message_id, await request.json(), dict(request.headers)))
        return PlainTextResponse("ok")

    def start(self) -> WebhookReceiver:
        app = Starlette(routes=[Route("/hooks", self._hook, methods=["POST"])])
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, lifespan="off", log_level="warning"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 5
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("webhook receiver did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
