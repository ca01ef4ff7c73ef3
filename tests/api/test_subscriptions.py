"""Subscriptions over graphql-transport-ws: each key hears only its own tenant's events."""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest
from starlette.websockets import WebSocketDisconnect

from api.events.feed import EventFeed
from domain.outbox.events import Topic
from tests.factories import make_key, make_tenant
from tests.outbox_factories import record_events

PROTOCOL = ["graphql-transport-ws"]
EVENT_FIELDS = "{ id topic aggregateType aggregateId occurredAt payload }"
SETTLE_S = 0.4
"""Subscriptions start from now: give the server a moment to start following."""


@contextmanager
def subscribed(app, key: str, field: str, *, header: bool = False):
    headers = {"Authorization": f"Bearer {key}"} if header else {}
    payload = {} if header else {"Authorization": f"Bearer {key}"}
    with app.websocket_connect("/graphql", subprotocols=PROTOCOL, headers=headers) as ws:
        ws.send_json({"type": "connection_init", "payload": payload})
        assert ws.receive_json() == {"type": "connection_ack"}
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": f"subscription {{ {field} {EVENT_FIELDS} }}"},
            }
        )
        time.sleep(SETTLE_S)
        yield ws
        ws.send_json({"id": "1", "type": "complete"})


def next_event(ws, field: str) -> dict:
    message = ws.receive_json()
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"][field]


def test_a_client_hears_its_own_order_events_and_never_another_clients(app, database):
    # given
    tenant = make_tenant(database)
    other_provider = make_tenant(database, "Elsewhere")
    with subscribed(app, tenant.clients["A"].key, "orderEvents") as ws:
        # when: others' events come first, so a leak would arrive first
        record_events(database, tenant, 1, client="B")
        record_events(database, other_provider, 1, client="A")
        record_events(database, tenant, 1, client=None)
        time.sleep(0.005)  # ids order events only to the millisecond
        own = record_events(database, tenant, 2, client="A")
        received = [next_event(ws, "orderEvents"), next_event(ws, "orderEvents")]
    # then
    assert {event["id"] for event in received} == {str(event) for event in own}
    assert received[0]["topic"] == "ORDER_CREATED"
    assert received[0]["aggregateType"] == "Order"
    assert {event["payload"]["n"] for event in received} == {0, 1}
    assert received[0]["occurredAt"]


def test_a_provider_hears_shipment_and_fulfillment_events_of_every_client(app, database):
    # given
    tenant = make_tenant(database)
    with subscribed(app, tenant.key, "shipmentEvents", header=True) as ws:
        # when
        record_events(database, tenant, 1, Topic.ORDER_CREATED)
        record_events(database, tenant, 1, Topic.STOCK_CHANGED)
        [packed] = record_events(database, tenant, 1, Topic.FULFILLMENT_PACKED, client="A")
        time.sleep(0.005)  # keep the two ids in different milliseconds, so in order
        [shipped] = record_events(database, tenant, 1, Topic.SHIPMENT_CREATED, client="B")
        received = [next_event(ws, "shipmentEvents"), next_event(ws, "shipmentEvents")]
    # then
    assert [(e["id"], e["topic"]) for e in received] == [
        (str(packed), "FULFILLMENT_PACKED"),
        (str(shipped), "SHIPMENT_CREATED"),
    ]


def test_stock_events_need_the_inventory_read_scope(app, database):
    # given
    tenant = make_tenant(database)
    key = make_key(database, tenant, scopes=["orders:read"])
    with app.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {key}"}})
        ws.receive_json()
        # when
        ws.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": "subscription { stockEvents { id } }"},
            }
        )
        answer = ws.receive_json()
    # then
    assert answer["type"] in {"error", "next"}
    errors = answer["payload"] if answer["type"] == "error" else answer["payload"]["errors"]
    assert errors[0]["extensions"]["code"] == "MISSING_SCOPE"


@pytest.mark.parametrize("payload", [{"Authorization": "Bearer cd_nope_nope"}, {}])
def test_a_websocket_without_a_valid_key_is_refused(app, payload):
    with app.websocket_connect("/graphql", subprotocols=PROTOCOL) as ws:
        ws.send_json({"type": "connection_init", "payload": payload})
        with pytest.raises(WebSocketDisconnect) as refused:
            ws.receive_json()
    assert refused.value.code == 4403


REVOKE = "mutation($id: ID!) { revokeApiKey(input: {id: $id}) { userErrors { code } } }"
REVOKED_WITHIN_S = 1.0
"""Rechecks come at every poll (0.25 s) in these tests; a second is ample."""


def key_node_id(gql, admin_key: str, key: str) -> str:
    prefix = gql("{ viewer { keyPrefix } }", key=key)["data"]["viewer"]["keyPrefix"]
    keys = gql("{ apiKeys(first: 100) { edges { node { id prefix } } } }", key=admin_key)
    edges = keys["data"]["apiKeys"]["edges"]
    return next(edge["node"]["id"] for edge in edges if edge["node"]["prefix"] == prefix)


def test_a_subscription_ends_with_api_key_revoked_once_its_key_is_revoked(
    app, gql, database, monkeypatch
):
    # given: a subscription that hears events, on a key that rechecks at every poll
    monkeypatch.setattr(EventFeed, "key_recheck_seconds", 0.0)
    tenant = make_tenant(database)
    victim = make_key(database, tenant)
    victim_id = key_node_id(gql, tenant.key, victim)
    with subscribed(app, victim, "orderEvents") as ws:
        [before] = record_events(database, tenant, 1)
        assert next_event(ws, "orderEvents")["id"] == str(before)
        # when: another key revokes it
        revoked = gql(REVOKE, {"id": victim_id}, key=tenant.key)
        assert revoked["data"]["revokeApiKey"]["userErrors"] == []
        time.sleep(REVOKED_WITHIN_S)
        record_events(database, tenant, 1)  # what a missed revocation would deliver
        answer = ws.receive_json()
        # then: the error comes before that event, and ends the operation
        assert answer["type"] == "next", answer
        assert "errors" in answer["payload"], answer
        assert answer["payload"]["errors"][0]["extensions"]["code"] == "API_KEY_REVOKED"
        assert ws.receive_json() == {"id": "1", "type": "complete"}


def test_a_supplier_hears_only_the_work_routed_to_it(app, database):
    # given: ACME's key; BOLT's and the warehouse's events come first, so a leak arrives first
    from tests.factories_orders import make_product, order_command, place_order
    from tests.supplier_factories import link, make_supplier, make_supplier_key, route_to_supplier

    tenant = make_tenant(database)
    product = make_product(database, tenant, "A", "GADGET")
    acme, bolt = make_supplier(database, tenant, "ACME"), make_supplier(database, tenant, "BOLT")
    link(database, tenant, acme, product, 5)
    link(database, tenant, bolt, product, 5)
    first = place_order(database, client_scope(tenant), order_command("SO-1", (("GADGET", 1),)))
    second = place_order(database, client_scope(tenant), order_command("SO-2", (("GADGET", 1),)))
    with subscribed(app, make_supplier_key(database, tenant, acme), "shipmentEvents") as ws:
        # when
        route_to_supplier(database, tenant, first.order.id, bolt)
        time.sleep(0.005)
        mine = route_to_supplier(database, tenant, second.order.id, acme)
        event = next_event(ws, "shipmentEvents")
    # then
    assert event["topic"] == "FULFILLMENT_ROUTED"
    assert event["payload"]["fulfillment_order_id"] == str(mine)
    assert event["payload"]["supplier_id"] == str(acme)


def client_scope(tenant):
    from tenants.models import KeyKind
    from tenants.scope import TenantScope

    return TenantScope(
        provider_id=tenant.provider_id,
        kind=KeyKind.CLIENT,
        scopes=frozenset({"orders:read", "orders:write"}),
        client_id=tenant.clients["A"].id,
        key_prefix="testA",
    )
