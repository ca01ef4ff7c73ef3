"""Webhooks over GraphQL: endpoints managed by their owners only, deliveries and attempts queryable."""

from __future__ import annotations

import uuid

import pytest

from adapters.webhooks import HttpWebhookTransport
from domain.webhooks import delivery, queries
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories import count_rows, dotted, global_id, make_key, make_tenant
from tests.factories_webhooks import make_endpoint, make_event
from tests.fakes.webhook_receiver import WebhookReceiver

URL = "https://hooks.example.com/crossdock"
"""For endpoints that are only configured, never sent to."""
DOWN = WebhookReceiver().url
"""A loopback URL nothing listens on, for endpoints whose deliveries are attempted."""
CREATE = """mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  endpoint { id url topics enabled client { code } } secret userErrors { field code message } } }"""
UPDATE = """mutation($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) {
  endpoint { id url topics enabled } userErrors { field code } } }"""
DELETE = """mutation($id: ID!) { deleteWebhookEndpoint(input: {id: $id}) {
  deletedId userErrors { field code } } }"""
REDELIVER = """mutation($id: ID!) { redeliverWebhook(input: {id: $id}) {
  delivery { id messageId status attemptCount } userErrors { field code } } }"""
ENDPOINTS = "{ webhookEndpoints(first: 50) { edges { node { id url client { code } } } } }"
DELIVERIES = """query($filter: WebhookDeliveryFilterInput) { webhookDeliveries(first: 50, filter: $filter) {
  edges { node { id messageId topic status attemptCount lastStatusCode payload
    endpoint { id } attempts { statusCode error durationMs attemptedAt } } } } }"""


def nodes(result: dict, field: str) -> list[dict]:
    assert "errors" not in result, result
    return [edge["node"] for edge in result["data"][field]["edges"]]


def deliver(db, tenant, event_id, client=None) -> None:
    """Fan out and attempt an event's deliveries now, as the worker would."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow, HttpWebhookTransport() as http:
        event = queries.event(uow, event_id)
        delivery.fan_out(uow, event)
        for item, endpoint in delivery.claim_due(uow, utcnow()):
            delivery.attempt(uow, item, endpoint, http, utcnow())
        uow.commit()


def test_create_returns_the_secret_once(database, gql):
    # given
    tenant = make_tenant(database)
    # when
    result = gql(CREATE, {"input": {"url": URL, "topics": ["ORDER_CREATED"]}}, key=tenant.key)
    # then
    payload = result["data"]["createWebhookEndpoint"]
    assert payload["userErrors"] == []
    assert payload["secret"].startswith("whsec_")
    assert payload["endpoint"]["topics"] == ["ORDER_CREATED"]
    assert payload["endpoint"]["client"] is None
    listed = nodes(gql(ENDPOINTS, key=tenant.key), "webhookEndpoints")
    assert [n["id"] for n in listed] == [payload["endpoint"]["id"]]


def test_the_endpoint_type_has_no_secret_field(database, gql):
    tenant = make_tenant(database)
    result = gql('{ __type(name: "WebhookEndpoint") { fields { name } } }', key=tenant.key)
    assert "secret" not in {f["name"] for f in result["data"]["__type"]["fields"]}


@pytest.mark.parametrize(
    ("given", "field", "code"),
    [
        ({"url": "http://hooks.example.com/x", "topics": ["ORDER_CREATED"]}, "url", "INVALID"),
        ({"url": "not a url", "topics": ["ORDER_CREATED"]}, "url", "INVALID"),
        ({"url": URL, "topics": []}, "topics", "REQUIRED"),
    ],
    ids=["plain-http", "malformed-url", "no-topics"],
)
def test_bad_input_is_refused_and_nothing_is_written(database, gql, given, field, code):
    tenant = make_tenant(database)
    result = gql(CREATE, {"input": given}, key=tenant.key)
    payload = result["data"]["createWebhookEndpoint"]
    assert [(dotted(e["field"]), e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert payload["secret"] is None
    assert count_rows(database, "webhook_endpoints") == 0


def test_a_client_key_makes_endpoints_for_its_own_client_only(database, gql):
    tenant = make_tenant(database)
    a, b = tenant.clients["A"], tenant.clients["B"]
    own = gql(CREATE, {"input": {"url": URL, "topics": ["ORDER_CREATED"]}}, key=a.key)
    other = gql(
        CREATE,
        {"input": {"url": URL, "topics": ["ORDER_CREATED"], "clientId": b.global_id}},
        key=a.key,
    )
    assert own["data"]["createWebhookEndpoint"]["endpoint"]["client"] == {"code": "A"}
    assert other["data"]["createWebhookEndpoint"]["userErrors"] == [
        {"field": ["clientId"], "code": "NOT_FOUND", "message": "No such client."}
    ]
    assert count_rows(database, "webhook_endpoints") == 1


def test_a_provider_makes_client_endpoints_and_sees_every_endpoint(database, gql):
    tenant = make_tenant(database)
    result = gql(
        CREATE,
        {
            "input": {
                "url": URL,
                "topics": ["ORDER_CREATED"],
                "clientId": tenant.clients["B"].global_id,
            }
        },
        key=tenant.key,
    )
    assert result["data"]["createWebhookEndpoint"]["endpoint"]["client"] == {"code": "B"}
    make_endpoint(database, tenant, URL, client="A")
    make_endpoint(database, tenant, URL)
    assert len(nodes(gql(ENDPOINTS, key=tenant.key), "webhookEndpoints")) == 3
    assert [
        n["client"] for n in nodes(gql(ENDPOINTS, key=tenant.clients["A"].key), "webhookEndpoints")
    ] == [{"code": "A"}]


def test_update_disables_and_changes_topics_and_refuses_bad_input(database, gql):
    tenant = make_tenant(database)
    endpoint_id, _ = make_endpoint(database, tenant, URL)
    node_id = global_id("WebhookEndpoint", endpoint_id)
    changed = gql(
        UPDATE,
        {"input": {"id": node_id, "enabled": False, "topics": ["ORDER_SHIPPED", "STOCK_CHANGED"]}},
        key=tenant.key,
    )["data"]["updateWebhookEndpoint"]
    assert changed["endpoint"]["enabled"] is False
    assert changed["endpoint"]["topics"] == ["ORDER_SHIPPED", "STOCK_CHANGED"]
    refused = gql(
        UPDATE,
        {"input": {"id": node_id, "topics": [], "url": "https://a.example/x"}},
        key=tenant.key,
    )["data"]["updateWebhookEndpoint"]
    assert refused["userErrors"] == [{"field": ["topics"], "code": "REQUIRED"}]
    after = nodes(gql(ENDPOINTS, key=tenant.key), "webhookEndpoints")
    assert after[0]["url"] == URL


def test_client_cannot_see_or_change_another_clients_endpoints(database, gql):
    # given: client B's endpoint, and a random id
    tenant = make_tenant(database)
    b_endpoint, _ = make_endpoint(database, tenant, URL, client="B")
    theirs = global_id("WebhookEndpoint", b_endpoint)
    random = global_id("WebhookEndpoint", uuid.uuid4())
    a_key = tenant.clients["A"].key
    # then: listing hides it, and every change answers exactly like an unknown id
    assert nodes(gql(ENDPOINTS, key=a_key), "webhookEndpoints") == []
    for node_id in (theirs, random):
        updated = gql(UPDATE, {"input": {"id": node_id, "enabled": False}}, key=a_key)
        deleted = gql(DELETE, {"id": node_id}, key=a_key)
        assert updated["data"]["updateWebhookEndpoint"]["userErrors"] == [
            {"field": ["id"], "code": "NOT_FOUND"}
        ]
        assert deleted["data"]["deleteWebhookEndpoint"]["userErrors"] == [
            {"field": ["id"], "code": "NOT_FOUND"}
        ]
    assert gql(f'{{ node(id: "{theirs}") {{ id }} }}', key=a_key)["data"]["node"] is None
    assert nodes(gql(ENDPOINTS, key=tenant.key), "webhookEndpoints")[0]["id"] == theirs


def test_another_providers_key_sees_nothing(database, gql):
    tenant = make_tenant(database)
    make_endpoint(database, tenant, DOWN)
    deliver(database, tenant, make_event(database, tenant))
    stranger = make_tenant(database, "Contoso")
    assert nodes(gql(ENDPOINTS, key=stranger.key), "webhookEndpoints") == []
    assert nodes(gql(DELIVERIES, key=stranger.key), "webhookDeliveries") == []


def test_deliveries_and_attempts_are_queryable_and_filterable(database, gql):
    # given: one delivery that failed once and then succeeded, one to another endpoint
    tenant = make_tenant(database)
    with WebhookReceiver() as receiver:
        endpoint_id, receiver.secret = make_endpoint(database, tenant, receiver.url)
        receiver.answer = 503
        deliver(database, tenant, make_event(database, tenant))
        receiver.answer = 200
        make_endpoint(database, tenant, DOWN, client="B")
        deliver(database, tenant, make_event(database, tenant, client="B"))
        # when
        all_of_them = nodes(gql(DELIVERIES, key=tenant.key), "webhookDeliveries")
        mine = {"endpointId": global_id("WebhookEndpoint", endpoint_id)}
        to_receiver = nodes(gql(DELIVERIES, {"filter": mine}, key=tenant.key), "webhookDeliveries")
        # then
        assert len(all_of_them) == 3
        assert len(to_receiver) == 2
        failed_once = to_receiver[-1]
        assert failed_once["status"] == "PENDING"
        assert failed_once["lastStatusCode"] == 503
        assert [a["statusCode"] for a in failed_once["attempts"]] == [503]
        assert failed_once["payload"] == {"reference": "PO-1"}
        # when: redelivered and sent
        redelivered = gql(REDELIVER, {"id": failed_once["id"]}, key=tenant.key)
        assert (
            redelivered["data"]["redeliverWebhook"]["delivery"]["messageId"]
            == failed_once["messageId"]
        )
        with (
            TenantUnitOfWork(database.session_factory, tenant.scope) as uow,
            HttpWebhookTransport() as http,
        ):
            for item, endpoint in delivery.claim_due(uow, utcnow()):
                delivery.attempt(uow, item, endpoint, http, utcnow())
            uow.commit()
    # then
    by_status = nodes(
        gql(
            DELIVERIES,
            {"filter": {"status": "DELIVERED", "topic": "ORDER_CREATED"}},
            key=tenant.key,
        ),
        "webhookDeliveries",
    )
    done = next(n for n in by_status if n["id"] == failed_once["id"])
    assert [a["statusCode"] for a in done["attempts"]] == [503, 200]
    assert receiver.message_ids.count(failed_once["messageId"]) == 1
    assert (
        nodes(
            gql(DELIVERIES, {"filter": {"status": "FAILED"}}, key=tenant.key), "webhookDeliveries"
        )
        == []
    )


def test_client_cannot_see_or_redeliver_another_clients_deliveries(database, gql):
    tenant = make_tenant(database)
    make_endpoint(database, tenant, DOWN, client="B")
    deliver(database, tenant, make_event(database, tenant, client="B"))
    [theirs] = nodes(gql(DELIVERIES, key=tenant.clients["B"].key), "webhookDeliveries")
    a_key = tenant.clients["A"].key
    assert nodes(gql(DELIVERIES, key=a_key), "webhookDeliveries") == []
    for node_id in (theirs["id"], global_id("WebhookDelivery", uuid.uuid4())):
        refused = gql(REDELIVER, {"id": node_id}, key=a_key)["data"]["redeliverWebhook"]
        assert refused["userErrors"] == [{"field": ["id"], "code": "NOT_FOUND"}]


def test_delete_removes_the_endpoint_and_its_deliveries(database, gql):
    tenant = make_tenant(database)
    endpoint_id, _ = make_endpoint(database, tenant, DOWN, client="A")
    deliver(database, tenant, make_event(database, tenant))
    node_id = global_id("WebhookEndpoint", endpoint_id)
    deleted = gql(DELETE, {"id": node_id}, key=tenant.clients["A"].key)
    assert deleted["data"]["deleteWebhookEndpoint"] == {"deletedId": node_id, "userErrors": []}
    assert count_rows(database, "webhook_endpoints") == 0
    assert count_rows(database, "webhook_deliveries") == 0
    assert count_rows(database, "webhook_attempts") == 0


def test_a_key_without_the_webhook_scopes_is_refused(database, gql):
    tenant = make_tenant(database)
    reader = make_key(database, tenant, scopes=["orders:read"])
    listed = gql(ENDPOINTS, key=reader)
    created = gql(CREATE, {"input": {"url": URL, "topics": ["ORDER_CREATED"]}}, key=reader)
    assert listed["errors"][0]["extensions"]["code"] == "MISSING_SCOPE"
    assert created["errors"][0]["extensions"]["code"] == "MISSING_SCOPE"
    assert count_rows(database, "webhook_endpoints") == 0
