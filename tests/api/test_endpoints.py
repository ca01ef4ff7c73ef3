"""The HTTP surface around GraphQL: GraphiQL, liveness and readiness, the body-size limit."""

from __future__ import annotations

from starlette.testclient import TestClient

from crossdock.app import create_app
from crossdock.settings import Settings
from tests.conftest import TEST_SECRET_KEY
from tests.serve_process import free_port


def test_browsers_get_graphiql(database, app):
    response = app.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "GraphiQL" in response.text


def test_liveness_answers_without_touching_the_database(tmp_path):
    # given an app whose database cannot be opened at all
    with TestClient(create_app(_settings_without_database(tmp_path), background=False)) as client:
        # when
        response = client.get("/healthz")
    # then: the process is alive; the database is readiness's business
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readiness_reports_the_database(database, app):
    response = app.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_readiness_fails_when_the_database_is_gone(tmp_path):
    # given an app whose SQLite file lives in a folder that does not exist
    with TestClient(create_app(_settings_without_database(tmp_path), background=False)) as client:
        # when
        response = client.get("/readyz")
    # then
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}


def test_readiness_names_an_unreachable_broker_within_its_timeout(database):
    # given a broker URL where nothing listens
    settings = Settings.from_env(
        {
            "CROSSDOCK_DATABASE_URL": database.url,
            "CROSSDOCK_SECRET_KEYS": TEST_SECRET_KEY,
            "CROSSDOCK_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
            "CROSSDOCK_READINESS_TIMEOUT_SECONDS": "1",
        }
    )
    with TestClient(create_app(settings, background=False)) as client:
        # when
        response = client.get("/readyz")
    # then
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "up", "broker": "down"}


def test_readiness_checks_a_reachable_broker(database, redis_url):
    settings = Settings.from_env(
        {
            "CROSSDOCK_DATABASE_URL": database.url,
            "CROSSDOCK_SECRET_KEYS": TEST_SECRET_KEY,
            "CROSSDOCK_BROKER_URL": redis_url,
        }
    )
    with TestClient(create_app(settings, background=False)) as client:
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up", "broker": "up"}


def _settings_without_database(tmp_path) -> Settings:
    return Settings.from_env(
        {
            "CROSSDOCK_DATABASE_URL": f"sqlite:///{tmp_path}/missing/crossdock.db",
            "CROSSDOCK_SECRET_KEYS": TEST_SECRET_KEY,
        }
    )


def test_oversized_bodies_are_refused_before_parsing(database, app):
    response = app.post(
        "/graphql",
        content=b"{" + b" " * (2 * 1024 * 1024) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "BODY_TOO_LARGE"


def test_a_malformed_body_is_a_clear_400(database, app):
    response = app.post(
        "/graphql", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
