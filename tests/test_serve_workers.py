"""`crossdock serve --workers 2` as a real process: two API processes on one port sharing
the rate-limit budgets (Redis), the metrics directory, and the subscriptions' outbox."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.factories import make_tenant
from tests.outbox_factories import record_events
from tests.serve_process import CROSSDOCK, crossdock_env, free_port, running
from tests.test_serve_subscriptions import next_event, subscribed

BUDGET = 12
"""Rate-limit points per key; `{ viewer { kind } }` costs 1."""
VIEWER = "{ viewer { kind } }"


def post(url: str, key: str, query: str) -> dict:
    request = urllib.request.Request(
        url + "/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


@contextmanager
def paused(pid: int) -> Iterator[None]:
    """`pid` stopped (SIGSTOP) inside the block, continued after it."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def _processes() -> dict[int, tuple[int, bytes]]:
    """Every process's parent and command line."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            found[int(entry)] = (int(stat[stat.rindex(")") + 2 :].split()[1]), command)
    return found


def _serve_command(port: int) -> int:
    """The `crossdock serve` process listening on `port` (uvicorn's supervisor)."""
    [pid] = [
        pid
        for pid, (_, command) in _processes().items()
        if b"crossdock.cli serve" in command and f"--port {port} ".encode() in command
    ]
    return pid


def api_processes(supervisor: int) -> list[int]:
    """The processes uvicorn's supervisor spawned to serve (not multiprocessing's helpers)."""
    return [
        pid
        for pid, (parent, command) in _processes().items()
        if parent == supervisor and b"spawn_main" in command
    ]


@pytest.fixture
def env(postgres_database, redis_url, redis_namespace, tmp_path):
    return crossdock_env(
        CROSSDOCK_DATABASE_URL=postgres_database.url,
        CROSSDOCK_MIGRATION_DATABASE_URL=postgres_database.admin_url,
        CROSSDOCK_BROKER_URL=redis_url,
        CROSSDOCK_BROKER_NAMESPACE=redis_namespace,
        CROSSDOCK_RATE_LIMIT_POINTS=str(BUDGET),
        CROSSDOCK_RATE_LIMIT_PERIOD_SECONDS="36000",
        CROSSDOCK_MAX_QUERY_COST=str(BUDGET),
        CROSSDOCK_METRICS_DIR=str(tmp_path / "metrics"),
        # a stopped process misses uvicorn's pings; on a loaded machine the test's requests
        # to the other one can take longer than the default 5 s before it is replaced
        CROSSDOCK_WEB_WORKER_HEALTHCHECK_SECONDS="300",
    )


def test_two_processes_share_one_budget_one_metrics_directory_and_the_events(
    postgres_database, env, tmp_path
):
    # given
    tenant = make_tenant(postgres_database)
    port = free_port()
    command = [*CROSSDOCK, "serve", "--port", str(port), "--workers", "2"]
    with running(command, env, tmp_path / "serve.log", port) as server:
        first, second = api_processes(_serve_command(port))
        # when: half the budget spent while only the first process takes connections, then
        # more than the rest while only the second does (a stopped process accepts nothing)
        with paused(second):
            early = [post(server.http_url, tenant.key, VIEWER) for _ in range(BUDGET // 2)]
        with paused(first), ThreadPoolExecutor(4) as pool:
            late = list(
                pool.map(lambda _: post(server.http_url, tenant.key, VIEWER), range(BUDGET))
            )
        # and a subscription on one process hears an event whichever process wrote it
        with subscribed(server.ws_url, tenant.clients["A"].key) as ws:
            time.sleep(0.5)
            [event] = record_events(postgres_database, tenant, 1, client="A")
            heard = next_event(ws)
        metrics = urllib.request.urlopen(server.http_url + "/metrics", timeout=10).read().decode()
    # then: the second process granted only what the first left of the key's budget
    assert all("errors" not in answer for answer in early)
    allowed = [a for a in late if "errors" not in a]
    refused = [a for a in late if "errors" in a]
    assert len(allowed) == BUDGET - BUDGET // 2
    assert {e["extensions"]["code"] for a in refused for e in a["errors"]} == {"RATE_LIMITED"}
    assert heard["id"] == str(event)
    # both processes record into the shared directory, and /metrics sums them
    recorded = {p.name for p in (tmp_path / "metrics").iterdir()}
    assert {f"counter_{first}.db", f"counter_{second}.db"} <= recorded
    assert _total(metrics, "crossdock_graphql_requests_total") >= BUDGET // 2 + BUDGET


def test_workers_without_a_broker_are_refused_in_one_line(sqlite_database, tmp_path):
    env = crossdock_env(CROSSDOCK_DATABASE_URL=sqlite_database.url)
    done = subprocess.run(
        [*CROSSDOCK, "serve", "--port", str(free_port()), "--workers", "2"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "--workers needs a broker (CROSSDOCK_BROKER_URL)" in done.stderr


def test_workers_with_budgets_in_memory_are_refused(sqlite_database, rabbitmq_url, tmp_path):
    env = crossdock_env(
        CROSSDOCK_DATABASE_URL=sqlite_database.url, CROSSDOCK_BROKER_URL=rabbitmq_url
    )
    done = subprocess.run(
        [*CROSSDOCK, "serve", "--port", str(free_port()), "--workers", "2"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "rate-limit budgets in Redis" in done.stderr


def _total(exposition: str, name: str) -> float:
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in exposition.splitlines()
        if line.startswith(name + "{") or line.startswith(name + " ")
    )
