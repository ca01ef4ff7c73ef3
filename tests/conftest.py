"""Test databases (SQLite always, PostgreSQL when configured), the app, and small factories."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphql
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from adapters.secrets import FernetSecretBox
from crossdock.adapters import install_adapters
from crossdock.app import create_app
from crossdock.database import make_engine, make_session_factory
from crossdock.demo import seed_demo
from crossdock.migrate import upgrade
from crossdock.sdl import code_sdl
from crossdock.settings import Settings, sqlite_url
from persistence.base import Base
from persistence.rls import APP_ROLE
from persistence.sealed import use_secret_box
from persistence.unit_of_work import UnitOfWork

install_adapters()  # domain code under test reaches carriers, webhooks and PDFs as deployed

POSTGRES_URL = os.environ.get("CROSSDOCK_TEST_POSTGRES_URL")
"""An administrator URL of a PostgreSQL server for the PostgreSQL half of the suite."""
NO_POSTGRES = (
    "PostgreSQL tests need CROSSDOCK_TEST_POSTGRES_URL "
    "(e.g. postgresql://postgres@127.0.0.1:5432/postgres); .ci/run sets it"
)
APP_LOGIN_ROLE = "crossdock_test_app"
TEST_SECRET_KEY = "Fu_cljygWzv1eUi_z7lcme-JOOpN8nf21uVhxphG4gw="
"""The key stored secrets are sealed with in tests (apps, CLI and worker processes alike)."""
REDIS_URL = os.environ.get("CROSSDOCK_TEST_REDIS_URL")
RABBITMQ_URL = os.environ.get("CROSSDOCK_TEST_RABBITMQ_URL")
NO_REDIS = (
    "Redis tests need CROSSDOCK_TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0); .ci/run sets it"
)
NO_RABBITMQ = (
    "RabbitMQ tests need CROSSDOCK_TEST_RABBITMQ_URL "
    "(e.g. amqp://guest:guest@127.0.0.1:5672/); .ci/run sets it"
)


@dataclass
class TestDatabase:
    """A migrated database: `url` as the application connects, `admin_url` as its owner."""

    backend: str
    url: str
    admin_url: str
    engine: Engine
    session_factory: sessionmaker[Session]

    def settings(self) -> Settings:
        """Application settings pointing at this database."""
        return Settings.from_env(
            {
                "CROSSDOCK_DATABASE_URL": self.url,
                "CROSSDOCK_MIGRATION_DATABASE_URL": self.admin_url,
                "CROSSDOCK_SECRET_KEYS": TEST_SECRET_KEY,
            }
        )

    def session(self, provider_id: uuid.UUID | None = None) -> Session:
        """A session as the application role, bound to a provider."""
        session = self.session_factory()
        session.info["provider_id"] = provider_id
        return session


@pytest.fixture(autouse=True)
def secret_box() -> FernetSecretBox:
    """Every test starts with the test key installed, as the composition root would."""
    box = FernetSecretBox([TEST_SECRET_KEY])
    use_secret_box(box)
    return box


# --- SQLite ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(sqlite_url(path))
    return path


@pytest.fixture
def sqlite_database(sqlite_template: Path, tmp_path: Path) -> Iterator[TestDatabase]:
    path = tmp_path / "crossdock.db"
    shutil.copy(sqlite_template, path)
    url = sqlite_url(path)
    engine = make_engine(url)
    yield TestDatabase("sqlite", url, url, engine, make_session_factory(engine))
    engine.dispose()


# --- PostgreSQL -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[tuple[str, str]]:
    """A fresh, migrated database on the configured server: (app URL, admin URL)."""
    if not POSTGRES_URL:
        pytest.skip(NO_POSTGRES)
    server = make_url(POSTGRES_URL)
    name = f"crossdock_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin_url = server.set(drivername="postgresql+psycopg", database=name)
    upgrade(admin_url.render_as_string(hide_password=False))
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": APP_LOGIN_ROLE}
        )
        if not exists:
            connection.execute(
                text(
                    f"CREATE ROLE {APP_LOGIN_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS IN ROLE {APP_ROLE}"
                )
            )
    app_url = admin_url.set(username=APP_LOGIN_ROLE, password=None)
    yield (
        app_url.render_as_string(hide_password=False),
        admin_url.render_as_string(hide_password=False),
    )
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def postgres_database(postgres_server: tuple[str, str]) -> Iterator[TestDatabase]:
    app_url, admin_url = postgres_server
    engine = make_engine(app_url)
    yield TestDatabase("postgresql", app_url, admin_url, engine, make_session_factory(engine))
    engine.dispose()
    owner = make_engine(admin_url)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with owner.begin() as connection:
        # A connection the test left open (a stopped server's backend still finishing, an
        # abandoned transaction) must not make every later test's TRUNCATE wait for it.
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        connection.execute(text(f"TRUNCATE {tables} CASCADE"))
    owner.dispose()


# --- brokers --------------------------------------------------------------------------


@pytest.fixture
def redis_url() -> str:
    """The test Redis server's URL."""
    if not REDIS_URL:
        pytest.skip(NO_REDIS)
    return REDIS_URL


@pytest.fixture
def redis_namespace(redis_url: str) -> Iterator[str]:
    """A broker namespace of this test alone; its Redis keys are deleted afterwards."""
    import redis

    namespace = f"crossdock-test-{uuid.uuid4().hex[:12]}"
    yield namespace
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{namespace}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def rabbitmq_url() -> str:
    """The test RabbitMQ server's URL."""
    if not RABBITMQ_URL:
        pytest.skip(NO_RABBITMQ)
    return RABBITMQ_URL


# --- either ---------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest) -> TestDatabase:
    """The test runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_database")


@pytest.fixture
def app(database: TestDatabase) -> Iterator[TestClient]:
    """The ASGI app over real HTTP semantics, lifespan running (background work off)."""
    with TestClient(create_app(database.settings(), background=False)) as client:
        yield client


class GraphQLClient:
    """Posts GraphQL documents to the app with a key.

    Answers leave out `extensions` (each one's query cost) unless asked to keep them, so
    that answers compare equal whatever the caller's budget holds.
    """

    def __init__(self, http: TestClient, *, extensions: bool = False):
        self.http = http
        self.extensions = extensions

    def __call__(
        self, query: str, variables: dict[str, Any] | None = None, *, key: str | None = None
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        response = self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        answer = response.json()
        if not self.extensions:
            answer.pop("extensions", None)
        return answer


@pytest.fixture
def gql(app: TestClient) -> GraphQLClient:
    return GraphQLClient(app)


@pytest.fixture
def demo_keys(database: TestDatabase) -> dict[str, str]:
    """The demo seeded; its keys by the names doc examples use in `as=`."""
    with UnitOfWork(database.session_factory) as uow:
        demo = seed_demo(uow)
        uow.commit()
    return {
        "provider": demo.provider_key,
        "client": demo.client_key,
        "other-client": demo.other_client_key,
        "supplier": demo.supplier_key,
    }


@pytest.fixture(scope="session")
def schema() -> graphql.GraphQLSchema:
    """The schema the code builds, for validating doc examples."""
    return graphql.build_schema(code_sdl())


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """With CROSSDOCK_TEST_FORBID_SKIPS=1 (CI), a skipped test fails the run."""
    skipped = terminalreporter.stats.get("skipped", [])
    if os.environ.get("CROSSDOCK_TEST_FORBID_SKIPS") == "1" and skipped:
        terminalreporter.write_line(
            f"FAILED: {len(skipped)} tests were skipped, and CI forbids skips", red=True
        )
        config._crossdock_skips = len(skipped)  # type: ignore[attr-defined]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CROSSDOCK_TEST_FORBID_SKIPS") == "1":
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None and reporter.stats.get("skipped"):
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
