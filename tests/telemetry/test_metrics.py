"""``/metrics`` of the API process: operations, cost, refusals, responses, the outbox backlog."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from crossdock.app import create_app
from crossdock.settings import Settings
from domain.outbox.models import OutboxEvent
from persistence.base import utcnow
from telemetry.metrics import OperationNames
from tenants.unit_of_work import TenantUnitOfWork
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_tenant
from tests.outbox_factories import record_events

Series = dict[tuple[str, frozenset], float]


def scrape(http: TestClient) -> Series:
    """Every sample of a scrape by (name, labels)."""
    response = http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(series: Series, name: str, **labels: str) -> float:
    return series.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def limited_app(database) -> Iterator[TestClient]:
    """The API with a small cost ceiling and budget, so refusals are easy to cause."""
    settings = Settings.from_env(
        {
            "CROSSDOCK_DATABASE_URL": database.url,
            "CROSSDOCK_SECRET_KEYS": TEST_SECRET_KEY,
            "CROSSDOCK_MAX_QUERY_COST": "3",
            "CROSSDOCK_RATE_LIMIT_POINTS": "3",
            "CROSSDOCK_RATE_LIMIT_PERIOD_SECONDS": "3600",
        }
    )
    with TestClient(create_app(settings, background=False)) as http:
        yield http


def test_operations_are_counted_timed_and_priced_by_name_and_outcome(database, limited_app):
    # given
    tenant = make_tenant(database)
    auth = {"Authorization": f"Bearer {tenant.key}"}
    before = scrape(limited_app)

    def post(query: str) -> dict:
        return limited_app.post("/graphql", json={"query": query}, headers=auth).json()

    # when: a named query, an anonymous one, one too costly, then the budget runs out
    assert "errors" not in post("query WhoAmI { viewer { kind } }")
    assert "errors" not in post("{ viewer { kind } }")
    costly = post("query Everything { orders(first: 100) { edges { node { id } } } }")
    refusals = [post("query WhoAmI { viewer { kind } }") for _ in range(3)]
    after = scrape(limited_app)

    # then
    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert costly["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert any(r.get("errors", [{}])[0].get("extensions", {}).get("code") == "RATE_LIMITED"
               for r in refusals)  # fmt: skip
    requests = "crossdock_graphql_requests_total"
    assert delta(requests, operation="WhoAmI", type="query", outcome="ok") >= 1
    assert delta(requests, operation="anonymous", type="query", outcome="ok") == 1
    assert delta(requests, operation="Everything", type="query", outcome="QUERY_TOO_COSTLY") == 1
    assert delta(requests, operation="WhoAmI", type="query", outcome="RATE_LIMITED") >= 1
    assert delta("crossdock_rate_limit_refusals_total", code="QUERY_TOO_COSTLY") == 1
    assert delta("crossdock_rate_limit_refusals_total", code="RATE_LIMITED") >= 1
    duration = "crossdock_graphql_request_duration_seconds_count"
    assert delta(duration, operation="WhoAmI", type="query") == 4
    assert delta("crossdock_graphql_query_cost_count", type="query") == 6
    assert delta("crossdock_http_responses_total", route="/graphql", status="200") == 6
    # no series is labelled by tenant (an actor's name may say "provider": the sweep's does)
    labels = [pair for _, pairs in after for pair in pairs]
    assert not [
        (label, text)
        for label, text in labels
        if "provider" in label or str(tenant.provider_id) in text
    ]


def test_the_outbox_backlog_is_read_at_each_scrape(database, app):
    # given three events no relay publishes (background work is off)
    tenant = make_tenant(database)
    record_events(database, tenant, 3)
    # when
    series = scrape(app)
    # then
    assert value(series, "crossdock_outbox_unpublished_events") == 3
    assert value(series, "crossdock_outbox_oldest_unpublished_age_seconds") > 0
    assert value(series, "crossdock_outbox_oldest_unsettled_age_seconds") == 0


def test_the_oldest_event_its_consumers_have_not_all_processed_is_measured(database, app):
    # given: events published long ago that no consumer processed, none settled yet
    tenant = make_tenant(database)
    ids = record_events(database, tenant, 2)
    with TenantUnitOfWork(database.session_factory, tenant.scope) as uow:
        uow.execute(
            uow.update(OutboxEvent)
            .where(OutboxEvent.id.in_(ids))
            .values(published_at=utcnow() - timedelta(hours=1))
        )
        uow.commit()
    # when
    series = scrape(app)
    # then
    assert value(series, "crossdock_outbox_oldest_unsettled_age_seconds") >= 3600


def test_the_embedded_app_reports_its_queues(database):
    with TestClient(create_app(database.settings())) as http:
        series = scrape(http)
    queues = {
        dict(labels)["queue"] for name, labels in series if name == "crossdock_queue_messages"
    }
    assert "default" in queues


def test_operation_names_are_bounded():
    names = OperationNames(cap=2)
    assert [names.label(n) for n in ("A", "B", "C", "A", None, "bad name", "x" * 65)] == [
        "A", "B", "other", "A", "anonymous", "other", "other",
    ]  # fmt: skip
