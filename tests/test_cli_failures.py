"""The `crossdock` command when the database is not there: one clear line, a failing exit."""

from __future__ import annotations

import json
import socket
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.test_cli import Target

PASSWORD = "s3cret-never-printed"


def closed_port() -> int:
    """A local TCP port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def assert_one_clear_line(done, *expected: str) -> None:
    lines = done.stderr.strip().splitlines()
    assert done.returncode != 0
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    assert PASSWORD not in done.stderr + done.stdout
    for words in expected:
        assert words in lines[0]


@pytest.mark.parametrize(
    "command", [("migrate",), ("provider", "create", "Acme"), ("serve", "--port", "0")]
)
def test_an_unreachable_database_gives_one_line_and_a_failing_exit(command):
    # given
    port = closed_port()
    url = f"postgresql://crossdock:{PASSWORD}@127.0.0.1:{port}/crossdock"
    # when
    done = Target(url, url).crossdock(*command)
    # then
    assert_one_clear_line(
        done,
        "cannot reach the database",
        f"postgresql://crossdock:***@127.0.0.1:{port}/crossdock",
        "is the server running",
    )


def test_debug_shows_the_traceback():
    # given
    url = f"postgresql://crossdock:{PASSWORD}@127.0.0.1:{closed_port()}/crossdock"
    # when
    done = Target(url, url).crossdock("--debug", "migrate")
    # then
    assert done.returncode != 0
    assert "Traceback" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: cannot reach the database")


def test_a_missing_role_gives_one_line_and_a_failing_exit(postgres_server):
    # given
    missing = f"crossdock_missing_{uuid.uuid4().hex[:8]}"
    url = make_url(postgres_server[0]).set(username=missing, password=PASSWORD)
    url = url.render_as_string(hide_password=False)
    # when
    done = Target(url, url).crossdock("provider", "create", "Acme", "--json")
    plain = Target(url, url).crossdock("provider", "create", "Acme")
    # then
    assert done.returncode != 0
    assert json.loads(done.stdout)["error"]["code"] == "DATABASE"
    assert f'role "{missing}" does not exist' in json.loads(done.stdout)["error"]["message"]
    assert_one_clear_line(plain, f'role "{missing}" does not exist', f"CREATE ROLE {missing}")


def test_a_role_without_the_application_grant_gives_one_line(postgres_database):
    # given: a login role that is not a member of the application role
    role = f"crossdock_ungranted_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_database.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'"))
    url = make_url(postgres_database.url).set(username=role, password=PASSWORD)
    try:
        # when
        done = Target(url.render_as_string(hide_password=False), postgres_database.admin_url)
        done = done.crossdock("provider", "create", "Acme")
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP ROLE {role}"))
        admin.dispose()
    # then
    assert_one_clear_line(done, "lacks a privilege", "GRANT crossdock_app TO")


def test_an_unmigrated_sqlite_file_says_to_migrate(tmp_path):
    # given
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    # when
    done = Target(url, url).crossdock("provider", "create", "Acme")
    # then
    assert_one_clear_line(done, "is not migrated", "crossdock migrate")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"postgres:{PASSWORD}@db", "CROSSDOCK_DATABASE_URL is not a database URL"),
        (f"postgresql://u:{PASSWORD}@db:port/x", "CROSSDOCK_DATABASE_URL is not a database URL"),
        (f"mysql://u:{PASSWORD}@db/x", "unsupported database (mysql://u:***@db/x)"),
    ],
)
def test_a_database_url_that_cannot_work_is_named_without_its_password(url, expected, tmp_path):
    # given
    target = Target(url, f"sqlite:///{tmp_path / 'owner.db'}")
    # when
    done = target.crossdock("provider", "create", "Acme")
    # then
    assert_one_clear_line(done, expected)
    assert not (tmp_path / "owner.db").exists()
