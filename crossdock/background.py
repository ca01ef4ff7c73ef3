"""Background work inside one process: a Dramatiq worker and the outbox relay as threads.

The API process runs this in the embedded default (no broker configured), and
``crossdock relay`` runs the relay half of it on its own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

import dramatiq
from sqlalchemy.orm import Session, sessionmaker

from crossdock.broker import install_broker
from persistence.base import utcnow
from workers import runtime
from workers.relay import check_routes, run_relay
from workers.routing import ROUTES, Route
from workers.scheduler import run_scheduler

log = logging.getLogger("crossdock.background")

WORKER_THREADS = 2
WORKER_TIMEOUT_MS = 100
"""How long a consumer waits for a message; bounds how long stopping takes."""
STOP_TIMEOUT_MS = 10_000


class RelayThread:
    """The outbox relay on a daemon thread, stopped by an event."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        broker: dramatiq.Broker,
        interval: float,
        routes: Iterable[Route] = ROUTES,
    ):
        check_routes(broker, routes)  # fail at start-up, not by silently dropping events
        self.stop_event = threading.Event()
        self.thread = threading.Thread(
            target=run_relay,
            args=(self.stop_event, session_factory, broker),
            kwargs={"interval": interval, "routes": routes},
            name="outbox-relay",
            daemon=True,
        )

    def start(self) -> None:
        """Start relaying."""
        self.thread.start()

    def stop(self, timeout: float = STOP_TIMEOUT_MS / 1000) -> None:
        """Stop relaying and wait for the current batch to finish."""
        self.stop_event.set()
        if self.thread.is_alive():
            self.thread.join(timeout)


class SchedulerThread:
    """The periodic-job scheduler on a daemon thread, stopped by an event."""

    def __init__(self, broker: dramatiq.Broker, tick_seconds: float = 30.0):
        self.stop_event = threading.Event()
        self.thread = threading.Thread(
            target=run_scheduler,
            args=(self.stop_event, broker, utcnow),
            kwargs={"tick_seconds": tick_seconds},
            name="scheduler",
            daemon=True,
        )

    def start(self) -> None:
        """Start enqueuing periodic jobs."""
        self.thread.start()

    def stop(self, timeout: float = STOP_TIMEOUT_MS / 1000) -> None:
        """Stop enqueuing."""
        self.stop_event.set()
        if self.thread.is_alive():
            self.thread.join(timeout)


class EmbeddedBackground:
    """An in-process broker, worker and relay: the whole background on a laptop."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        broker: dramatiq.Broker,
        *,
        relay_interval: float = 0.5,
        extra_modules: Iterable[str] = (),
    ):
        self.broker = install_broker(broker, extra_modules)
        runtime.configure(session_factory)
        self.worker = dramatiq.Worker(
            self.broker, worker_threads=WORKER_THREADS, worker_timeout=WORKER_TIMEOUT_MS
        )
        self.relay = RelayThread(session_factory, self.broker, relay_interval)
        self.scheduler = SchedulerThread(self.broker)

    def start(self) -> None:
        """Start the worker, the relay and the periodic jobs."""
        self.worker.start()
        self.relay.start()
        self.scheduler.start()
        log.info("background work runs in-process on %s", type(self.broker).__name__)

    def stop(self) -> None:
        """Stop the relay, then the worker, letting running messages finish."""
        self.scheduler.stop()
        self.relay.stop()
        self.worker.stop(timeout=STOP_TIMEOUT_MS)
        self.broker.close()
