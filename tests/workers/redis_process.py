"""A redis-server of the test's own on a free port: restarted empty, it forgets every message."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import redis

from tests.serve_process import free_port


class RedisProcess:
    """A redis-server without persistence, as a cache-configured production Redis runs."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def start(self) -> RedisProcess:
        binary = shutil.which("redis-server")
        assert binary is not None, "these tests start their own redis-server: install it"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                with self.client() as client:
                    client.ping()
                return self
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # no chance to save anything
            self.process.wait(10)
        self.process = None

    def restart_empty(self) -> None:
        """Kill and start again: every queued message is gone."""
        self.stop()
        self.start()

    def queued(self, namespace: str) -> int:
        """Messages of `namespace` not yet acknowledged: queued, delayed or being processed
        (Dramatiq keeps each in a ``<queue>.msgs`` hash until it is acknowledged)."""
        with self.client() as client:
            return sum(client.hlen(key) for key in client.scan_iter(match=f"{namespace}:*.msgs"))
