"""A request still running at the deadline is answered 503 REQUEST_TIMEOUT, and the server
goes on answering others."""

from __future__ import annotations

import dataclasses
import time

from starlette.testclient import TestClient

import api.relay
from crossdock.app import create_app
from tests.factories import global_id, make_tenant


def test_a_request_past_the_deadline_is_answered_503(database, monkeypatch):
    # given: an app with a short deadline, and a row lookup that hangs past it
    tenant = make_tenant(database)
    settings = dataclasses.replace(database.settings(), request_timeout_seconds=0.5)
    looked_up = api.relay._rows_by_id

    def slow(*args, **kwargs):
        time.sleep(2)
        return looked_up(*args, **kwargs)

    monkeypatch.setattr(api.relay, "_rows_by_id", slow)
    node = '{{ node(id: "{}") {{ id }} }}'.format(global_id("Client", tenant.clients["A"].id))
    headers = {"authorization": f"Bearer {tenant.key}"}
    with TestClient(create_app(settings, background=False)) as client:
        # when
        started = time.monotonic()
        response = client.post("/graphql", json={"query": node}, headers=headers)
        elapsed = time.monotonic() - started
        # then
        assert response.status_code == 503
        assert response.json()["errors"][0]["extensions"] == {"code": "REQUEST_TIMEOUT"}
        assert elapsed < 1.5
        monkeypatch.setattr(api.relay, "_rows_by_id", looked_up)
        viewer = client.post("/graphql", json={"query": "{ viewer { kind } }"}, headers=headers)
        assert viewer.json()["data"] == {"viewer": {"kind": "PROVIDER"}}
