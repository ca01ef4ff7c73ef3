"""``/healthz`` (the process answers: no I/O) and ``/readyz`` (its database and broker answer)."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import anyio.to_thread
from sqlalchemy import Engine, text
from starlette.requests import Request
from starlette.responses import JSONResponse

Probe = Callable[[], None]


async def healthz(request: Request) -> JSONResponse:
    """Liveness: the event loop answers. Restarting the process cannot fix a database."""
    return JSONResponse({"status": "ok"})


def readiness(probes: dict[str, Probe], timeout: float) -> Callable[[Request], object]:
    """``/readyz``: every probe must pass within `timeout` seconds; 503 names those that failed."""

    async def readyz(request: Request) -> JSONResponse:
        checks = {name: await _check(probe, timeout) for name, probe in probes.items()}
        ready = all(state == "up" for state in checks.values())
        body = {"status": "ok" if ready else "unavailable", **checks}
        return JSONResponse(body, status_code=200 if ready else 503)

    return readyz


async def _check(probe: Probe, timeout: float) -> str:
    try:
        with anyio.fail_after(timeout):
            # a hung connect cannot be interrupted; abandon it and answer in time
            await anyio.to_thread.run_sync(probe, abandon_on_cancel=True)
    except TimeoutError:
        return "timeout"
    except Exception:  # reporting the failure is the probe's whole point
        return "down"
    return "up"


def database_probe(engine: Engine) -> Probe:
    """``SELECT 1`` on a pooled connection."""

    def ping() -> None:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    return ping


def broker_probe(url: str, timeout: float) -> Probe:
    """A Redis ``PING`` or an AMQP connection opened and closed, each bounded by `timeout`."""
    scheme = url.split("://", 1)[0].lower()
    if scheme in {"amqp", "amqps"}:
        return _amqp_probe(url, timeout)
    import redis

    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    return lambda: None if client.ping() else _raise("no PONG")


def _amqp_probe(url: str, timeout: float) -> Probe:
    import pika

    def connect() -> None:
        parameters = pika.URLParameters(url)
        parameters.socket_timeout = timeout
        parameters.blocked_connection_timeout = timeout
        parameters.connection_attempts = 1
        pika.BlockingConnection(parameters).close()

    return connect


def _raise(message: str) -> None:
    raise ConnectionError(message)
