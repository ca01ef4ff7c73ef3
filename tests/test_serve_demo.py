"""`crossdock serve --demo` run again, on a busy port, and reset: never a second demo."""

from __future__ import annotations

import socket
import sqlite3
import subprocess

from crossdock.demo import Demo, ExistingDemo
from crossdock.serve import seed_or_find_demo
from crossdock.settings import sqlite_url
from tests.factories import count_rows
from tests.serve_process import CROSSDOCK, ROOT, crossdock_env, free_port, running

VIEWER = "{ viewer { provider { name } } }"


def crossdock(*args: str, url: str, admin_url: str | None = None):
    env = crossdock_env(
        CROSSDOCK_DATABASE_URL=url, CROSSDOCK_MIGRATION_DATABASE_URL=admin_url or url
    )
    return subprocess.run(
        [*CROSSDOCK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_a_second_demo_run_adds_nothing_and_says_so(database):
    # given
    first = seed_or_find_demo(database.settings())
    keys = count_rows(database, "api_keys")
    # when
    second = seed_or_find_demo(database.settings())
    # then
    assert isinstance(first, Demo)
    assert isinstance(second, ExistingDemo)
    assert count_rows(database, "providers") == 1
    assert count_rows(database, "clients") == 2
    assert count_rows(database, "api_keys") == keys
    told = second.describe("http://127.0.0.1:8000/graphql")
    assert "demo data already present" in told
    assert str(second.provider_id) in told
    assert "cannot be shown again" in told
    assert "--demo --reset" in told


def test_a_busy_port_is_refused_before_anything_is_seeded(database):
    # given: something already listens on the port
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        # when
        done = crossdock(
            "serve", "--demo", "--port", str(port), url=database.url, admin_url=database.admin_url
        )
    # then
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"error: port {port} on 127.0.0.1 is already in use (another crossdock serve?); "
        "stop that process or choose another port with --port"
    ]
    assert count_rows(database, "providers") == 0


def test_reset_is_refused_off_sqlite_and_without_demo(postgres_database, tmp_path):
    # when
    on_postgres = crossdock(
        "serve", "--demo", "--reset", "--port", str(free_port()),
        url=postgres_database.url, admin_url=postgres_database.admin_url,
    )  # fmt: skip
    without_demo = crossdock(
        "serve", "--reset", "--port", str(free_port()), url=sqlite_url(tmp_path / "x.db")
    )
    # then
    assert on_postgres.returncode != 0
    assert "with PostgreSQL, drop and re-create the database" in on_postgres.stderr
    assert without_demo.returncode != 0
    assert "--reset only goes with --demo" in without_demo.stderr
    assert not (tmp_path / "x.db").exists()
    assert count_rows(postgres_database, "providers") == 0


def test_serve_demo_rerun_finds_the_demo_and_reset_starts_over(tmp_path):
    # given
    url = sqlite_url(tmp_path / "crossdock.db")
    env = crossdock_env(CROSSDOCK_DATABASE_URL=url)

    def serve(*flags: str) -> str:
        port = free_port()
        command = [*CROSSDOCK, "serve", "--port", str(port), *flags]
        with running(command, env, tmp_path / "serve.log", port) as server:
            return server.output()

    # when
    first = serve("--demo")
    again = serve("--demo")
    reset = serve("--demo", "--reset")
    # then
    assert "provider key (Northwind Fulfilment): cdk_" in first
    assert "demo data already present: provider Northwind Fulfilment" in again
    assert "cdk_" not in again.split("A new key:")[0]
    assert f"deleted {tmp_path / 'crossdock.db'}" in reset
    assert "provider key (Northwind Fulfilment): cdk_" in reset
    assert _key(first) != _key(reset)
    with sqlite3.connect(tmp_path / "crossdock.db") as db:
        assert db.execute("SELECT count(*) FROM providers").fetchone() == (1,)


def _key(output: str) -> str:
    line = next(line for line in output.splitlines() if "provider key" in line)
    return line.rsplit(" ", 1)[-1]
