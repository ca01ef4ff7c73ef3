"""The HTTP surface around GraphQL: GraphiQL, the health check, the body-size limit."""

from __future__ import annotations

from starlette.testclient import TestClient

from crossdock.app import create_app
from crossdock.settings import Settings
from tests.conftest import TEST_SECRET_KEY


def test_browsers_get_graphiql(database, app):
    response = app.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "GraphiQL" in response.text


def test_health_check_reports_the_database(database, app):
    response = app.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_health_check_fails_when_the_database_is_gone(tmp_path):
    # given an app whose SQLite file lives in a folder that does not exist
    settings = Settings.from_env(
        {
            "CROSSDOCK_DATABASE_URL": f"sqlite:///{tmp_path}/missing/crossdock.db",
            "CROSSDOCK_SECRET_KEYS": TEST_SECRET_KEY,
        }
    )
    with TestClient(create_app(settings, background=False)) as client:
        # when
        response = client.get("/healthz")
    # then
    assert response.status_code == 503
    assert response.json()["database"] == "down"


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
