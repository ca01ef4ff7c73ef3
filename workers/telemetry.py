"""Dramatiq middleware: each message runs under the request id it carries, and is measured."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import dramatiq
from dramatiq.middleware import Middleware

from telemetry import request_ids
from telemetry.logs import stamp_request_ids
from telemetry.metrics import instruments

log = logging.getLogger("crossdock.workers.messages")

OPTION = "request_id"
"""The message option holding the id of the request that caused the message."""


class MessageTelemetry(Middleware):
    """Bind a message's request id while its actor runs (its log lines and the events it
    records carry it), pass the id on to messages sent meanwhile, and count and time each
    message per queue and actor, with the consumer lag it waited."""

    def __init__(self) -> None:
        self._running = threading.local()
        stamp_request_ids()

    def before_enqueue(self, broker: dramatiq.Broker, message: Any, delay: Any) -> None:
        """A message sent while a request or message is handled carries that request's id."""
        current = request_ids.current()
        if current is not None and OPTION not in message.options:
            message.options[OPTION] = current

    def before_process_message(self, broker: dramatiq.Broker, message: Any) -> None:
        """Bind the id, note the lag since the message was due, start the clock."""
        token = request_ids.bind(request_ids.sane_or_none(message.options.get(OPTION)))
        now = time.time()
        due = max(message.message_timestamp, message.options.get("eta", 0)) / 1000
        instruments().queue_wait.labels(message.queue_name).observe(max(now - due, 0.0))
        self._running.current = (token, time.perf_counter())

    def after_process_message(
        self, broker: dramatiq.Broker, message: Any, *, result: Any = None, exception: Any = None
    ) -> None:
        """Count the message ok or failed (a failure may still be retried), and time it."""
        self._finish(message, "ok" if exception is None else "failed")

    def after_skip_message(self, broker: dramatiq.Broker, message: Any) -> None:
        """Count a skipped message (too old, or skipped by an actor's own check)."""
        self._finish(message, "skipped")

    def _finish(self, message: Any, outcome: str) -> None:
        running = getattr(self._running, "current", None)
        self._running.current = None
        metrics = instruments()
        metrics.messages.labels(message.queue_name, message.actor_name, outcome).inc()
        if running is None:
            return
        token, started = running
        seconds = time.perf_counter() - started
        metrics.message_duration.labels(message.queue_name, message.actor_name).observe(seconds)
        log.info(
            "%s %s in %.1fms",
            message.actor_name,
            outcome,
            seconds * 1000,
            extra={"actor": message.actor_name, "queue": message.queue_name,
                   "message_id": message.message_id, "outcome": outcome,
                   "duration_ms": round(seconds * 1000, 1)},
        )  # fmt: skip
        request_ids.unbind(token)
