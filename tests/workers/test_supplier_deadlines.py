"""The SLA sweep: a supplier late to acknowledge or ship puts its work in EXCEPTION, says so
by webhook (to the provider and to that supplier's own endpoint only), and is visible in the API."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from domain.orders.models import FulfillmentOrder, Order
from domain.outbox.events import Topic
from domain.outbox.models import OutboxEvent
from domain.webhooks.endpoints import create_endpoint
from persistence.base import utcnow
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork
from tests.api.order_documents import CREATE
from tests.factories import global_id, key_row
from tests.factories_orders import order_input
from tests.factories_webhooks import make_endpoint
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.supplier_factories import DropShip, make_drop_ship, route_to_supplier
from workers import runtime
from workers import suppliers as sla
from workers import webhooks as hooks

LATE = """
{
  fulfillmentOrders(filter: {overdue: true}) {
    edges { node { id status exceptionReason overdueAt supplier { code } } }
  }
}
"""
ACK = """
mutation($id: ID!) {
  acknowledgeFulfillmentOrder(input: {id: $id}) { fulfillmentOrder { status exceptionReason } }
}
"""


@pytest.fixture
def drop(database, monkeypatch) -> DropShip:
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    return make_drop_ship(database)


def _supplier_endpoint(database, drop: DropShip, supplier_id: uuid.UUID, url: str) -> str:
    row = key_row(database, drop.acme_key if supplier_id == drop.acme else drop.bolt_key)
    scope = TenantScope(
        provider_id=drop.tenant.provider_id,
        kind=row.kind,
        scopes=frozenset(row.scopes),
        supplier_id=supplier_id,
        key_prefix=row.prefix,
    )
    with TenantUnitOfWork(database.session_factory, scope) as uow:
        created = create_endpoint(
            uow, url=url, topics=[Topic.FULFILLMENT_OVERDUE.value], allow_private_urls=True
        )
        uow.commit()
    return created.secret


def _deliver(database, drop: DropShip, topic: Topic) -> None:
    with TenantUnitOfWork.operator(database.session_factory, drop.tenant.provider_id) as uow:
        events = uow.session.scalars(
            select(OutboxEvent.id).where(OutboxEvent.topic == topic.value)
        ).all()
    for event_id in events:
        hooks.deliver_event_webhooks(str(drop.tenant.provider_id), str(event_id))


def test_a_late_supplier_raises_an_exception_a_webhook_and_shows_in_the_api(
    database, gql, drop, monkeypatch
):
    # given: work routed to ACME whose acknowledge deadline passed an hour ago
    monkeypatch.setattr(hooks, "schedule", lambda *args, **kwargs: None)
    order = gql(
        CREATE, {"input": order_input("SO-9", (("GADGET", 1),))}, key=drop.tenant.clients["A"].key
    )
    with TenantUnitOfWork.operator(database.session_factory, drop.tenant.provider_id) as uow:
        order_id = uow.session.scalars(select(Order.id)).one()
    assert order["data"]["createOrder"]["order"]["status"] == "BACKORDERED"
    fo = route_to_supplier(database, drop.tenant, order_id, drop.acme)
    with TenantUnitOfWork.operator(database.session_factory, drop.tenant.provider_id) as uow:
        uow.execute(
            update(FulfillmentOrder)
            .where(FulfillmentOrder.id == fo)
            .values(acknowledge_by=utcnow() - timedelta(hours=1))
        )
        uow.commit()
    with WebhookReceiver() as provider, WebhookReceiver() as acme, WebhookReceiver() as bolt:
        _, provider.secret = make_endpoint(
            database, drop.tenant, provider.url, (Topic.FULFILLMENT_OVERDUE,)
        )
        acme.secret = _supplier_endpoint(database, drop, drop.acme, acme.url)
        bolt.secret = _supplier_endpoint(database, drop, drop.bolt, bolt.url)
        # when: the sweep runs twice (a doubled scheduler), then webhooks go out
        sla.flag_overdue_fulfillment(str(drop.tenant.provider_id))
        sla.flag_overdue_fulfillment(str(drop.tenant.provider_id))
        _deliver(database, drop, Topic.FULFILLMENT_OVERDUE)
    # then: one exception, told once to the provider and to ACME, never to BOLT
    assert [m.body["topic"] for m in provider.received] == ["fulfillment_order.overdue"]
    assert [m.body["data"]["exception_reason"] for m in acme.received] == ["acknowledge_overdue"]
    assert bolt.received == []
    late = gql(LATE, key=drop.tenant.key)["data"]["fulfillmentOrders"]["edges"]
    assert [(e["node"]["status"], e["node"]["exceptionReason"]) for e in late] == [
        ("EXCEPTION", "ACKNOWLEDGE_OVERDUE")
    ]
    assert gql(LATE, key=drop.acme_key)["data"]["fulfillmentOrders"]["edges"] == late
    assert gql(LATE, key=drop.bolt_key)["data"]["fulfillmentOrders"]["edges"] == []
    status = "query($id: ID!) { order(id: $id) { status } }"
    order_gid = global_id("Order", order_id)
    assert gql(status, {"id": order_gid}, key=drop.tenant.key)["data"]["order"]["status"] == (
        "EXCEPTION"
    )
    # and: acknowledging late ends the exception
    fo_gid = global_id("FulfillmentOrder", fo)
    acked = gql(ACK, {"id": fo_gid}, key=drop.acme_key)["data"]["acknowledgeFulfillmentOrder"]
    assert acked["fulfillmentOrder"] == {"status": "ALLOCATED", "exceptionReason": None}
    assert gql(status, {"id": order_gid}, key=drop.tenant.key)["data"]["order"]["status"] == (
        "ALLOCATED"
    )


def test_the_sweep_is_scheduled_and_fans_out_to_every_provider(database, drop, monkeypatch):
    from workers.scheduler import SCHEDULE

    sent: list[str] = []
    monkeypatch.setattr(sla.flag_overdue_fulfillment, "send", sent.append)
    sla.sweep_supplier_deadlines()
    assert "sweep_supplier_deadlines" in {job.actor_name for job in SCHEDULE}
    assert str(drop.tenant.provider_id) in sent


def test_work_within_its_deadlines_is_left_alone(database, gql, drop):
    order = gql(
        CREATE, {"input": order_input("SO-1", (("GADGET", 1),))}, key=drop.tenant.clients["A"].key
    )
    assert order["data"]["createOrder"]["userErrors"] == []
    with TenantUnitOfWork.operator(database.session_factory, drop.tenant.provider_id) as uow:
        order_id = uow.session.scalars(select(Order.id)).one()
    route_to_supplier(database, drop.tenant, order_id, drop.acme)
    sla.flag_overdue_fulfillment(str(drop.tenant.provider_id))
    assert gql(LATE, key=drop.tenant.key)["data"]["fulfillmentOrders"]["edges"] == []
