"""The migrations build the schema the models describe, from nothing, on both databases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from crossdock.database import make_engine
from crossdock.migrate import alembic_config
from crossdock.models import metadata
from crossdock.settings import sqlite_url


def tables_of(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


@pytest.fixture
def fresh_postgres(postgres_server: tuple[str, str]) -> Iterator[str]:
    """The owner's URL of a new, empty database on the test server, dropped afterwards."""
    server = make_url(postgres_server[1])
    name = f"crossdock_migrate_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "fresh.db")
    return request.getfixturevalue("fresh_postgres")


def test_upgrade_builds_what_the_models_describe(fresh_url):
    # given
    config = alembic_config(fresh_url)
    # when
    command.upgrade(config, "head")
    # then: `alembic check` raises when the models and the schema disagree
    command.check(config)
    assert tables_of(fresh_url) == set(metadata.tables)


def test_downgrade_to_base_and_upgrade_again(tmp_path):
    # given
    url = sqlite_url(tmp_path / "roundtrip.db")
    config = alembic_config(url)
    command.upgrade(config, "head")
    # when
    command.downgrade(config, "base")
    emptied = tables_of(url)
    command.upgrade(config, "head")
    # then
    assert emptied == set()
    command.check(config)
    assert tables_of(url) == set(metadata.tables)


def policies_of(url: str) -> set[tuple[str, str, str]]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT tablename, policyname, cmd FROM pg_policies"))
            return {tuple(row) for row in rows}
    finally:
        engine.dispose()


def test_the_policy_narrowing_downgrades_and_upgrades_again(fresh_postgres):
    # given
    config = alembic_config(fresh_postgres)
    command.upgrade(config, "head")
    narrowed = policies_of(fresh_postgres)
    # when
    command.downgrade(config, "0007")
    widened = policies_of(fresh_postgres)
    command.upgrade(config, "head")
    # then
    assert ("api_keys", "key_lookup_touch", "UPDATE") in widened - narrowed
    assert ("providers", "system_scheduler", "ALL") in widened - narrowed
    assert ("providers", "system_scheduler_select", "SELECT") in narrowed - widened
    assert policies_of(fresh_postgres) == narrowed
