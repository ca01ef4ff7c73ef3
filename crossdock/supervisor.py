"""`crossdock worker` and `crossdock relay`: Dramatiq worker processes beside the outbox relay."""

from __future__ import annotations

import logging
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import dramatiq

from crossdock.background import RelayThread, SchedulerThread
from crossdock.backlog_metrics import OutboxBacklog, QueueBacklog
from crossdock.settings import Settings
from crossdock.worker_main import BrokerNotConfigured, prepare
from telemetry.exposition import Scrape
from telemetry.metrics import use_multiprocess
from workers import runtime

log = logging.getLogger("crossdock.worker")

SHUTDOWN_GRACE_S = 30.0
"""How long worker processes get to finish their messages after SIGTERM."""


def run_workers(
    settings: Settings,
    processes: int,
    threads: int,
    modules: Sequence[str],
    metrics_port: int,
    queues: Sequence[str] | None = None,
) -> int:
    """Run `processes` x `threads` Dramatiq workers and the relay until a signal stops them;
    the workers take messages from `queues` only, when given."""
    with shared_metrics(settings):
        try:
            broker = prepare(settings, modules)
        except BrokerNotConfigured as error:
            return _refuse(error)
        unknown = sorted(set(queues or ()) - set(broker.get_declared_queues()))
        if unknown:
            known = ", ".join(sorted(broker.get_declared_queues()))
            return _refuse(ValueError(f"no such queue: {', '.join(unknown)} (queues: {known})"))
        with serving_metrics(settings.host, metrics_port, broker):
            return _supervise(broker, processes, threads, modules, queues)


def _supervise(
    broker: dramatiq.Broker,
    processes: int,
    threads: int,
    modules: Sequence[str],
    queues: Sequence[str] | None = None,
) -> int:
    command = [
        sys.executable, "-m", "dramatiq", "crossdock.worker_main:setup", *modules,
        "--processes", str(processes), "--threads", str(threads),
    ]  # fmt: skip
    if queues:
        command += ["--queues", *queues]
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


def run_relay_only(
    settings: Settings, interval: float, modules: Sequence[str], metrics_port: int
) -> int:
    """Run only the outbox relay until a signal stops it."""
    try:
        broker = prepare(settings, modules)
    except BrokerNotConfigured as error:
        return _refuse(error)
    with serving_metrics(settings.host, metrics_port, broker):
        return _relay_until_stopped(broker, interval)


def _relay_until_stopped(broker: dramatiq.Broker, interval: float) -> int:
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


@contextmanager
def shared_metrics(settings: Settings) -> Iterator[Path]:
    """A metrics directory shared with the worker processes started inside the block:
    the configured one (emptied first) or a temporary one, removed afterwards."""
    configured = Path(settings.metrics_dir) if settings.metrics_dir else None
    directory = configured or Path(tempfile.mkdtemp(prefix="crossdock-metrics-"))
    try:
        yield use_multiprocess(directory, clear=True)
    finally:
        if configured is None:
            shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def serving_metrics(host: str, port: int, broker: dramatiq.Broker) -> Iterator[None]:
    """``/metrics`` on `port` (0: none): every worker process's instruments, the outbox
    backlog and the queues' lengths. A port already taken is logged, not fatal."""
    if not port:
        yield
        return
    from prometheus_client import start_http_server

    scrape = Scrape([OutboxBacklog(runtime.session_factory()), QueueBacklog(broker)])
    try:
        server, thread = start_http_server(port, host, registry=scrape)  # type: ignore[arg-type]
    except OSError as error:
        log.error(
            "metrics: cannot listen on %s:%d (%s); running without /metrics", host, port, error
        )
        yield
        return
    log.info("metrics at http://%s:%d/metrics", host, port)
    try:
        yield
    finally:
        server.shutdown()
        thread.join(5)


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
