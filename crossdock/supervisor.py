"""`crossdock worker` and `crossdock relay`: Dramatiq worker processes beside the outbox relay."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from crossdock.background import RelayThread, SchedulerThread
from crossdock.settings import Settings
from crossdock.worker_main import BrokerNotConfigured, prepare
from workers import runtime

log = logging.getLogger("crossdock.worker")

SHUTDOWN_GRACE_S = 30.0
"""How long worker processes get to finish their messages after SIGTERM."""


def run_workers(settings: Settings, processes: int, threads: int, modules: Sequence[str]) -> int:
    """Run `processes` x `threads` Dramatiq workers and the relay until a signal stops them."""
    try:
        broker = prepare(settings, modules)
    except BrokerNotConfigured as error:
        return _refuse(error)
    command = [
        sys.executable, "-m", "dramatiq", "crossdock.worker_main:setup", *modules,
        "--processes", str(processes), "--threads", str(threads),
    ]  # fmt: skip
    relay = RelayThread(runtime.session_factory(), broker, interval=0.5)
    workers = subprocess.Popen(command)  # noqa: S603 - our own interpreter and arguments
    relay.start()
    stop = _stop_on_signals()
    try:
        while not stop.wait(0.5):
            if workers.poll() is not None:
                log.error("worker processes exited with %s; stopping", workers.returncode)
                break
    finally:
        relay.stop()
        if workers.poll() is None:
            workers.terminate()
            try:
                workers.wait(SHUTDOWN_GRACE_S)
            except subprocess.TimeoutExpired:
                workers.kill()
                workers.wait()
        broker.close()
    return 0 if stop.is_set() else 1


def run_relay_only(settings: Settings, interval: float, modules: Sequence[str]) -> int:
    """Run only the outbox relay until a signal stops it."""
    try:
        broker = prepare(settings, modules)
    except BrokerNotConfigured as error:
        return _refuse(error)
    relay = RelayThread(runtime.session_factory(), broker, interval=interval)
    relay.start()
    stop = _stop_on_signals()
    try:
        while not stop.wait(0.5) and relay.thread.is_alive():
            pass
    finally:
        relay.stop()
        broker.close()
    return 0 if stop.is_set() else 1


def run_scheduler_only(settings: Settings, modules: Sequence[str]) -> int:
    """Enqueue the periodic jobs (billing, webhook sweep) until a signal stops it.

    Run exactly one per deployment; every periodic actor is idempotent, so a restart or
    a brief overlap costs a redundant run, never a double effect.
    """
    try:
        broker = prepare(settings, modules)
    except BrokerNotConfigured as error:
        return _refuse(error)
    scheduler = SchedulerThread(broker)
    scheduler.start()
    stop = _stop_on_signals()
    try:
        while not stop.wait(0.5) and scheduler.thread.is_alive():
            pass
    finally:
        scheduler.stop()
        broker.close()
    return 0 if stop.is_set() else 1


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        log.info("received signal %d; shutting down", signum)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    return stop


def _refuse(error: Exception) -> int:
    print(f"error: {error}", file=sys.stderr)
    return 2
