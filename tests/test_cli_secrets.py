"""`crossdock secrets rotate` and `new-key`, run as the operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys

from adapters.secrets import FernetSecretBox, key_id, new_key
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_tenant
from tests.factories_webhooks import make_endpoint
from tests.test_cli import ROOT
from tests.test_secret_keys import stored_heads


def crossdock(database, *args: str, keys: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CROSSDOCK_")}
    env.update(
        CROSSDOCK_DATABASE_URL=database.url,
        CROSSDOCK_LOG_LEVEL="warning",
        CROSSDOCK_SECRET_KEYS=keys,
    )
    return subprocess.run(
        [sys.executable, "-m", "crossdock.cli", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_rotate_reseals_with_the_new_key_and_a_second_run_has_nothing_to_do(database):
    # given: an endpoint sealed with the test key, and a new key put first
    tenant = make_tenant(database)
    make_endpoint(database, tenant, "https://hooks.example.com/x")
    new = new_key()
    # when
    first = crossdock(database, "secrets", "rotate", keys=f"{new},{TEST_SECRET_KEY}")
    again = crossdock(database, "secrets", "rotate", keys=f"{new},{TEST_SECRET_KEY}")
    without_old = crossdock(database, "secrets", "rotate", keys=new)
    # then
    assert first.returncode == 0, first.stderr
    assert f"1 stored secrets re-sealed with key {key_id(new)}" in first.stdout
    assert "0 stored secrets re-sealed" in again.stdout
    assert without_old.returncode == 0, without_old.stderr
    assert stored_heads(database) == {f"fernet:{key_id(new)}:"}


def test_rotate_refuses_while_a_needed_key_is_missing(database):
    # given
    tenant = make_tenant(database)
    make_endpoint(database, tenant, "https://hooks.example.com/x")
    # when
    done = crossdock(database, "secrets", "rotate", keys=new_key())
    # then
    assert done.returncode == 1
    assert key_id(TEST_SECRET_KEY) in done.stderr
    assert TEST_SECRET_KEY not in done.stderr + done.stdout


def test_new_key_prints_a_usable_key(tmp_path):
    # when
    done = subprocess.run(
        [sys.executable, "-m", "crossdock.cli", "secrets", "new-key"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "CROSSDOCK_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
    )  # fmt: skip
    # then
    key = done.stdout.strip()
    assert FernetSecretBox([key]).current_key_id == key_id(key)
    assert key_id(key) in done.stderr
