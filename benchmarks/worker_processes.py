"""Dramatiq worker processes for the background benchmarks: started, watched, stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import dramatiq
import redis
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parent.parent
THREADS = 4
RELAY_INTERVAL_S = 0.5
POLL_S = 0.2
READY_TIMEOUT_S = 60.0
STALL_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Running:
    """A started worker group: call it to check it is alive; `pid` leads its process group."""

    check: Callable[[], None]
    pid: int

    def __call__(self) -> None:
        self.check()


@contextmanager
def workers(
    modules: list[str], processes: int, redis_url: str, namespace: str, env: dict[str, str]
) -> Iterator[Running]:
    """`python -m dramatiq MODULES -p N -t 4` until the block ends; yields a liveness check
    (with the group's pid, see `group_cpu_seconds`).

    Returns once every process has polled Redis (its heartbeat is in the namespace).
    """
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CROSSDOCK_")}
    environ.update(env, CROSSDOCK_BROKER_URL=redis_url, CROSSDOCK_BROKER_NAMESPACE=namespace)
    command = [sys.executable, "-m", "dramatiq", *modules,
               "--processes", str(processes), "--threads", str(THREADS)]  # fmt: skip
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environ, stdout=log, stderr=log, start_new_session=True
        )
        client = redis.Redis.from_url(redis_url)

        def check() -> None:
            if process.poll() is not None:
                log.seek(0)
                tail = log.read().decode(errors="replace")[-3000:]
                raise RuntimeError(f"workers exited with {process.returncode}:\n{tail}")

        try:
            deadline = time.monotonic() + READY_TIMEOUT_S
            while client.zcard(f"{namespace}:__heartbeats__") < processes:
                check()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{processes} worker processes did not start")
                time.sleep(0.1)
            yield Running(check, process.pid)
            check()
        finally:
            client.close()
            stop_group(process)


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds (user + system) used so far by the live processes of a process group."""
    return sum(cpu for _, group, cpu in _processes() if group == pgid)


def group_cpu_by_process(pgid: int) -> dict[int, float]:
    """CPU seconds used so far by each live process of a process group, by pid."""
    return {pid: cpu for pid, group, cpu in _processes() if group == pgid}


def processes_cpu_seconds(pids: set[int]) -> dict[int, float]:
    """CPU seconds (user + system) used so far by each of `pids` still alive."""
    return {pid: cpu for pid, _, cpu in _processes() if pid in pids}


def _processes() -> Iterator[tuple[int, int, float]]:
    # (pid, process group, CPU seconds) of every process, from /proc (Linux)
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        yield int(entry), int(fields[2]), (int(fields[11]) + int(fields[12])) / ticks


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the worker group, SIGKILL it if it lingers (before its leader is reaped)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # dramatiq stops and joins its processes
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the forked processes too
    process.wait(10)


def wait_for(
    progress: Callable[[], int], target: int, check: Callable[[], None], what: str
) -> None:
    """Poll until `progress()` reaches `target`; fail when it stalls for STALL_TIMEOUT_S."""
    last, moved = -1, time.monotonic()
    while True:
        done = progress()
        if done >= target:
            return
        check()
        now = time.monotonic()
        if done != last:
            last, moved = done, now
        elif now - moved > STALL_TIMEOUT_S:
            raise RuntimeError(f"stalled at {done} waiting for {what}")
        time.sleep(POLL_S)


def relay_loop(
    stop: threading.Event, app_factory: sessionmaker[Session], broker: dramatiq.Broker
) -> None:
    """The relay as `crossdock worker` runs it: full batches at once, else every 0.5 s."""
    from workers.relay import run_relay

    run_relay(stop, app_factory, broker, interval=RELAY_INTERVAL_S)
