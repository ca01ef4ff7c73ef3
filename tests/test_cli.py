"""The `crossdock` command, run as the operator runs it: a subprocess against a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from crossdock.app import create_app
from crossdock.settings import Settings, sqlite_url
from tenants import key_cache
from tenants.key_cache import VerifiedKeys
from tests.conftest import TEST_SECRET_KEY, GraphQLClient
from tests.factories import count_rows
from tests.tenants.test_key_cache import Clock

ROOT = Path(__file__).resolve().parent.parent
VIEWER = "{ viewer { kind provider { name } client { code } } }"


@dataclass
class Target:
    """Where the command points: the application's URL, and the owner's for migrations."""

    url: str
    admin_url: str

    def crossdock(self, *args: str, admin: bool = False) -> subprocess.CompletedProcess[str]:
        """`crossdock ARGS` in a clean environment; migrations run as the owner."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("CROSSDOCK_")}
        env["CROSSDOCK_DATABASE_URL"] = self.admin_url if admin else self.url
        env["CROSSDOCK_MIGRATION_DATABASE_URL"] = self.admin_url
        env["CROSSDOCK_LOG_LEVEL"] = "warning"
        env["CROSSDOCK_SECRET_KEYS"] = TEST_SECRET_KEY
        return subprocess.run(
            [sys.executable, "-m", "crossdock.cli", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def json(self, *args: str) -> dict:
        done = self.crossdock(*args, "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def settings(self) -> Settings:
        return Settings.from_env(
            {"CROSSDOCK_DATABASE_URL": self.url, "CROSSDOCK_SECRET_KEYS": TEST_SECRET_KEY}
        )


@pytest.fixture(params=["sqlite", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    """A fresh SQLite file, or the PostgreSQL test database as app role and owner."""
    if request.param == "sqlite":
        url = sqlite_url(tmp_path / "cli.db")
        return Target(url, url)
    database = request.getfixturevalue("postgres_database")  # emptied again afterwards
    return Target(database.url, database.admin_url)


def test_operator_creates_a_provider_a_client_key_and_revokes_it(target, monkeypatch):
    # given: the server's verified keys on a clock the test moves (the CLI is another process)
    clock = Clock()
    monkeypatch.setattr("api.context.VERIFIED", VerifiedKeys(clock=clock))
    migrated = target.crossdock("migrate", admin=True)
    assert migrated.returncode == 0, migrated.stderr
    # when
    provider = target.json("provider", "create", "Northwind")
    with TestClient(create_app(target.settings(), background=False)) as http:
        gql = GraphQLClient(http)
        admin = gql(VIEWER, key=provider["api_key"])["data"]["viewer"]
        created = gql(
            'mutation { createClient(input: {code: "ACME", name: "ACME"}) { userErrors { code } } }',
            key=provider["api_key"],
        )["data"]["createClient"]
        client_key = target.json(
            "key", "create", "--provider", provider["provider_id"], "--kind", "client",
            "--client", "ACME",
        )  # fmt: skip
        as_client = gql(VIEWER, key=client_key["api_key"])["data"]["viewer"]
        revoked = target.json("key", "revoke", client_key["key_prefix"])
        remembered = gql(VIEWER, key=client_key["api_key"])["data"]["viewer"]
        clock.now += key_cache.SECONDS  # revoked elsewhere: refused here once remembered no more
        refused = gql(VIEWER, key=client_key["api_key"])
        still_admin = gql(VIEWER, key=provider["api_key"])["data"]["viewer"]
    # then
    assert admin == {"kind": "PROVIDER", "provider": {"name": "Northwind"}, "client": None}
    assert provider["key_prefix"] == provider["api_key"].split("_")[1]
    assert created == {"userErrors": []}
    assert client_key["kind"] == "client"
    assert as_client == {
        "kind": "CLIENT",
        "provider": {"name": "Northwind"},
        "client": {"code": "ACME"},
    }
    assert remembered == as_client
    assert revoked["key_prefix"] == client_key["key_prefix"]
    assert revoked["revoked_at"]
    assert refused["errors"][0]["extensions"]["code"] == "API_KEY_REVOKED"
    assert still_admin["kind"] == "PROVIDER"


def test_operator_mistakes_fail_clearly_and_write_nothing(database):
    # given
    target = Target(database.url, database.admin_url)
    # when
    blank = target.crossdock("provider", "create", "")
    unknown = target.crossdock("key", "revoke", "nope12345678", "--json")
    no_provider = target.crossdock("key", "create", "--provider", str(uuid.uuid4()), "--json")
    # then
    assert blank.returncode != 0
    assert "name must not be blank" in blank.stderr
    assert "Traceback" not in blank.stderr + unknown.stderr + no_provider.stderr
    assert unknown.returncode != 0
    assert json.loads(unknown.stdout)["error"]["code"] == "NOT_FOUND"
    assert no_provider.returncode != 0
    assert json.loads(no_provider.stdout)["error"]["code"] == "NOT_FOUND"
    assert count_rows(target, "providers") == 0
    assert count_rows(target, "api_keys") == 0
