"""`crossdock user create|invite`, run as the operator runs them, then used over HTTP."""

from __future__ import annotations

import os
import subprocess
import sys

from starlette.testclient import TestClient

from crossdock.app import create_app
from tests.api.session_client import ORIGIN, sign_in
from tests.test_cli import ROOT, Target, target  # noqa: F401  (the fixture)

PASSWORD = "first-admin-password"


def _with_stdin(where: Target, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CROSSDOCK_")}
    env.update(
        CROSSDOCK_DATABASE_URL=where.url,
        CROSSDOCK_MIGRATION_DATABASE_URL=where.admin_url,
        CROSSDOCK_LOG_LEVEL="warning",
        CROSSDOCK_SECRET_KEYS=where.settings().secret_keys[0],
    )
    return subprocess.run(
        [sys.executable, "-m", "crossdock.cli", *args],
        cwd=ROOT, env=env, input=text, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_the_operator_makes_the_first_admin_who_invites_a_colleague(target):  # noqa: F811
    # given
    assert target.crossdock("migrate", admin=True).returncode == 0
    provider = target.json("provider", "create", "Northwind")["provider_id"]
    # when
    created = _with_stdin(
        target, PASSWORD + "\n", "user", "create", "--provider", provider,
        "--email", "Ann@Northwind.example", "--name", "Ann Lee", "--password-stdin",
    )  # fmt: skip
    invited = target.json(
        "user", "invite", "--provider", provider, "--email", "bo@northwind.example",
        "--role", "warehouse_operator",
    )  # fmt: skip
    unknown_client = target.crossdock(
        "user", "invite", "--provider", provider, "--email", "c@x.example",
        "--role", "client_viewer", "--client", "NOPE",
    )  # fmt: skip
    # then
    assert created.returncode == 0, created.stderr
    assert PASSWORD not in created.stdout + created.stderr
    assert invited["invitation_url"].startswith("http://127.0.0.1:8000/accept-invitation#token=")
    assert unknown_client.returncode != 0
    assert "No client has code 'NOPE'" in unknown_client.stderr
    with TestClient(create_app(target.settings(), background=False)) as http:
        assert sign_in(http, "ann@northwind.example", PASSWORD).status_code == 200
        token = invited["invitation_url"].split("#token=")[1]
        accepted = http.post(
            "/auth/accept-invitation",
            json={"token": token, "name": "Bo Chen", "password": "bo-chen-password"},
            headers={"Origin": ORIGIN},
        )
        assert accepted.json()["user"]["role"] == "WAREHOUSE_OPERATOR"
