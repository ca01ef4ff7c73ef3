"""Starlette serves the built app at `/`: hashed files cached for good, index.html revalidated."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from api.web_app import IMMUTABLE, web_app_routes


@pytest.fixture
def build(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=app></div>")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)")
    return tmp_path


def test_hashed_assets_are_cached_for_a_year_and_index_is_revalidated(build):
    client = TestClient(Starlette(routes=web_app_routes(build)))

    asset = client.get("/assets/index-abc123.js")
    page = client.get("/")

    assert asset.status_code == 200
    assert asset.headers["cache-control"] == IMMUTABLE
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-cache"
    assert "id=app" in page.text


def test_app_routes_fall_back_to_index_but_missing_files_and_server_paths_do_not(build):
    client = TestClient(Starlette(routes=web_app_routes(build)))

    deep = client.get("/orders/T3JkZXI6MQ==")
    missing_asset = client.get("/assets/index-gone.js")
    missing_file = client.get("/favicon.ico")
    server_path = client.get("/auth/whatever")

    assert deep.status_code == 200
    assert "id=app" in deep.text
    assert missing_asset.status_code == 404
    assert "cache-control" not in missing_asset.headers
    assert missing_file.status_code == 404
    assert server_path.status_code == 404


def test_without_a_build_the_root_says_how_to_get_the_app(tmp_path):
    client = TestClient(Starlette(routes=web_app_routes(tmp_path / "nothing")))

    page = client.get("/")

    assert page.status_code == 200
    assert "The web app is not built" in page.text
    assert "npm ci" in page.text
    assert 'href="/graphql"' in page.text


def test_the_api_keeps_its_own_paths_beside_the_app(database, app):
    graphiql = app.get("/graphql", headers={"Accept": "text/html"})
    health = app.get("/healthz")
    page = app.get("/inventory")

    assert "GraphiQL" in graphiql.text
    assert health.json()["status"] == "ok"
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
