"""`crossdock serve` as a real process on a free port, for tests that talk to it over TCP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import TEST_SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
STARTUP_S = 40.0
CROSSDOCK = [sys.executable, "-m", "crossdock.cli"]
ENTRYPOINT = ["sh", str(ROOT / "docker-entrypoint.sh")]
"""The image's command line: its ENTRYPOINT with its default CMD (`serve`)."""


@dataclass
class Server:
    """A running server: where it listens and what it printed so far."""

    port: int
    output_path: Path

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def output(self) -> str:
        return self.output_path.read_text()


def free_port() -> int:
    """A TCP port that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def crossdock_env(**values: str) -> dict[str, str]:
    """The test's environment without CROSSDOCK_* settings, plus `values`; `crossdock` on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CROSSDOCK_")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(CROSSDOCK_LOG_LEVEL="warning", CROSSDOCK_SECRET_KEYS=TEST_SECRET_KEY, **values)
    return env


@contextmanager
def running(
    command: Sequence[str], env: dict[str, str], output: Path, port: int
) -> Iterator[Server]:
    """Start `command`, wait until /healthz answers on `port`, stop it (SIGTERM) afterwards."""
    with output.open("w") as sink:
        process = subprocess.Popen(
            list(command),
            cwd=output.parent,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(port, output)
    try:
        _wait_until_healthy(process, server)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> int:
    """SIGTERM, a bounded wait, then SIGKILL to the whole group it leads."""
    if process.poll() is not None:
        return process.returncode
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.wait()


def _wait_until_healthy(process: subprocess.Popen, server: Server) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited ({process.returncode}):\n{server.output()}")
        try:
            with urllib.request.urlopen(f"{server.http_url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"the server did not become healthy:\n{server.output()}")
