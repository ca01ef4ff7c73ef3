"""The embedded default: with no broker configured, the API process does the background work."""

from __future__ import annotations

import time

from starlette.testclient import TestClient

from crossdock.app import create_app
from tests.factories import make_tenant
from tests.outbox_factories import pending_ids, record_events


def test_the_app_without_a_broker_relays_and_runs_actors_in_process(
    database, tmp_path, monkeypatch
):
    # given: an app with no CROSSDOCK_BROKER_URL, and a consumer among its actor modules
    monkeypatch.setattr("workers.actors.ACTOR_MODULES", ("tests.workers.sample_actors",))
    out = tmp_path / "handled"
    out.mkdir()
    monkeypatch.setenv("CROSSDOCK_TEST_ACTOR_DIR", str(out))
    tenant = make_tenant(database)
    settings = database.settings()
    assert settings.broker_url is None
    # when
    with TestClient(create_app(settings)) as http:
        recorded = record_events(database, tenant, 2)
        deadline = time.monotonic() + 10
        while len(list(out.iterdir())) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        healthy = http.get("/healthz").status_code
    # then
    assert healthy == 200
    assert {path.name for path in out.iterdir()} == {str(event) for event in recorded}
    assert pending_ids(database) == set()
