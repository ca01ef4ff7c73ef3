"""`crossdock worker` as deployed: real processes on real Redis consume what the relay publishes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_tenant
from tests.outbox_factories import pending_ids, record_events

ROOT = Path(__file__).resolve().parents[2]
STARTUP_AND_DELIVERY_S = 20.0


def crossdock_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CROSSDOCK_")}
    env.update(CROSSDOCK_LOG_LEVEL="warning", CROSSDOCK_SECRET_KEYS=TEST_SECRET_KEY, **values)
    return env


def stop(process: subprocess.Popen) -> int:
    """SIGTERM, a bounded wait, then SIGKILL to the whole group it leads."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


def test_worker_processes_consume_relay_published_events(
    database, redis_url, redis_namespace, tmp_path
):
    # given: events waiting in the outbox before any worker runs
    tenant = make_tenant(database)
    recorded = record_events(database, tenant, 3)
    out = tmp_path / "handled"
    out.mkdir()
    env = crossdock_env(
        CROSSDOCK_DATABASE_URL=database.url,
        CROSSDOCK_BROKER_URL=redis_url,
        CROSSDOCK_BROKER_NAMESPACE=redis_namespace,
        CROSSDOCK_TEST_ACTOR_DIR=str(out),
    )
    # when
    worker = subprocess.Popen(
        [sys.executable, "-m", "crossdock.cli", "worker", "--processes", "1", "--threads", "2",
         "--module", "tests.workers.sample_actors"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + STARTUP_AND_DELIVERY_S
        while len(list(out.iterdir())) < len(recorded) and time.monotonic() < deadline:
            assert worker.poll() is None, "crossdock worker exited early"
            time.sleep(0.1)
    finally:
        code = stop(worker)
    # then
    handled = {path.name: path.read_text() for path in out.iterdir()}
    assert handled == {str(event): "order.created" for event in recorded}
    assert pending_ids(database) == set()
    assert code == 0


@pytest.mark.parametrize("command", ["worker", "relay"])
def test_background_commands_need_a_broker(command, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "crossdock.cli", command],
        cwd=ROOT,
        env=crossdock_env(CROSSDOCK_DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "CROSSDOCK_BROKER_URL is not set" in done.stderr
    assert "Traceback" not in done.stderr
