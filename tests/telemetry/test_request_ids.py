"""Request ids: accepted or made at the edge, returned, logged, and carried into the actors."""

from __future__ import annotations

import json
import logging
import re
import time

from sqlalchemy import select
from starlette.testclient import TestClient

from crossdock.app import create_app
from domain.outbox.models import OutboxEvent
from telemetry import request_ids
from telemetry.logs import JsonFormatter, stamp_request_ids
from tests.api.order_documents import CREATE
from tests.factories_orders import make_order_world, order_input
from tests.outbox_factories import record_events
from workers.relay import event_message
from workers.routing import Route

GENERATED = re.compile(r"[0-9a-f]{32}")


def create_order(http: TestClient, key: str, request_id: str | None, reference: str = "SO-1"):
    headers = {"Authorization": f"Bearer {key}"}
    if request_id is not None:
        headers["X-Request-Id"] = request_id
    variables = {"input": order_input(reference)}
    return http.post("/graphql", json={"query": CREATE, "variables": variables}, headers=headers)


def test_a_sane_incoming_id_is_kept_and_returned(database, app):
    response = app.get("/healthz", headers={"X-Request-Id": "shop-42.sync:7"})
    assert response.headers["X-Request-Id"] == "shop-42.sync:7"


def test_a_missing_or_insane_id_is_replaced_by_a_fresh_one(database, app):
    # given ids that are absent, too long, or carry characters that could forge log lines
    answers = [
        app.get("/healthz"),
        app.get("/healthz", headers={"X-Request-Id": "x" * 65}),
        app.get("/healthz", headers={"X-Request-Id": 'a" "level":"error'}),
    ]
    # then
    ids = [answer.headers["X-Request-Id"] for answer in answers]
    assert all(GENERATED.fullmatch(value) for value in ids), ids
    assert len(set(ids)) == 3


def test_the_api_logs_the_request_and_stamps_its_events_with_its_id(database, app, caplog):
    # given
    world = make_order_world(database)
    caplog.set_level(logging.INFO, logger="crossdock.http")
    # when
    response = create_order(app, world.tenant.clients["A"].key, "req-order-1")
    # then: the answer, the log line and every event the mutation recorded carry the id
    assert response.json()["data"]["createOrder"]["userErrors"] == []
    assert response.headers["X-Request-Id"] == "req-order-1"
    [line] = [r for r in caplog.records if r.name == "crossdock.http"]
    assert line.request_id == "req-order-1"
    assert (line.method, line.path, line.status) == ("POST", "/graphql", 200)
    assert line.client == "testclient"  # the peer, which uvicorn's access log used to give
    with database.session(world.tenant.provider_id) as session:
        stamped = set(
            session.execute(
                select(OutboxEvent.topic, OutboxEvent.request_id).where(
                    OutboxEvent.topic.startswith("order.")
                )
            )
        )
    assert stamped == {("order.created", "req-order-1"), ("order.allocated", "req-order-1")}


def test_events_recorded_outside_a_request_carry_no_id(database):
    from tests.factories import make_tenant

    tenant = make_tenant(database)
    record_events(database, tenant, 1)
    with database.session(tenant.provider_id) as session:
        assert list(session.scalars(select(OutboxEvent.request_id))) == [None]


def test_the_relay_puts_the_id_in_the_message_options():
    event = OutboxEvent(provider_id=request_ids.new(), id=request_ids.new(), request_id="r-1")
    route = Route("accrue_charges", None, "billing")
    assert event_message(event, route).options == {"request_id": "r-1"}
    event.request_id = None
    assert event_message(event, route).options == {}


def test_the_actors_a_request_causes_log_under_its_id(database, tmp_path, monkeypatch, caplog):
    # given an app running its background work in-process, with a consumer of order.created
    monkeypatch.setattr("workers.actors.ACTOR_MODULES", ("tests.workers.sample_actors",))
    monkeypatch.setenv("CROSSDOCK_TEST_ACTOR_DIR", str(tmp_path))
    world = make_order_world(database)
    caplog.set_level(logging.INFO, logger="crossdock.workers.messages")
    with TestClient(create_app(database.settings())) as http:
        # when
        create_order(http, world.tenant.clients["A"].key, "req-actor-7")
        deadline = time.monotonic() + 10
        while not _actor_lines(caplog) and time.monotonic() < deadline:
            time.sleep(0.05)
    # then: the consumer's log line carries the request's id, and the id is unbound after
    [line] = _actor_lines(caplog)
    assert line.request_id == "req-actor-7"
    assert line.outcome == "ok"
    assert request_ids.current() is None


def _actor_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "actor", None) == "note_event"]


def test_json_lines_carry_the_id_and_the_extras():
    # given
    stamp_request_ids()
    with request_ids.bound("r-9"):
        record = logging.getLogger("crossdock.http").makeRecord(
            "crossdock.http", logging.INFO, __file__, 1, "POST %s", ("/x",), None,
            extra={"status": 200},
        )  # fmt: skip
    # when
    line = json.loads(JsonFormatter().format(record))
    # then
    assert line["message"] == "POST /x"
    assert line["request_id"] == "r-9"
    assert line["level"] == "info"
    assert line["logger"] == "crossdock.http"
    assert line["status"] == 200
