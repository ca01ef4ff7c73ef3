"""A label the carrier refuses is told to the supplier itself (`fulfillment_order.label_failed`)
by its own webhook endpoint: never to another supplier, another client or another provider."""

from __future__ import annotations

import uuid
from dataclasses import replace

import dramatiq
import dramatiq.broker
import pytest
from dramatiq.brokers.stub import StubBroker

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

from api.events.schema import SHIPMENT_TOPICS
from domain.addresses import Address
from domain.orders.models import FulfillmentStatus, OrderStatus
from domain.outbox.events import SUPPLIER_TOPICS, Topic
from domain.outbox.queries import events_after
from domain.shipping.dispatch import GAVE_UP, give_up_on
from domain.shipping.models import CarrierKind
from domain.suppliers.labels import request_label, set_ship_from
from domain.webhooks.endpoints import create_endpoint
from tenants.models import KeyKind
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork
from tests.catalog_factories import make_product
from tests.factories import make_tenant
from tests.factories_orders import order_command, place_order, run
from tests.factories_webhooks import make_endpoint
from tests.fakes.aggregator_server import fake_aggregator_server
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.shipping_factories import BAD_ZIP, US_CUSTOMER, fake_aggregator, make_shipping_world
from tests.supplier_factories import link, make_supplier, make_supplier_key, route_to_supplier
from workers import dispatch as actors
from workers import runtime
from workers import webhooks as hooks

__all__ = ["fake_aggregator", "fake_aggregator_server"]

LABEL_FAILED = Topic.FULFILLMENT_LABEL_FAILED
REGISTER = """mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { endpoint { topics } userErrors { field code } } }"""
DEPOT = Address(line1="1 Depot Way", city="Denver", region="CO", postal_code="80202", country="US")


@pytest.fixture
def world(database, monkeypatch, fake_aggregator):
    """Client A ships through the fake aggregator (which refuses a bad ZIP code); supplier
    TRAIL carries A's HAMMOCK and has its depot set; supplier OTHER carries nothing."""
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    monkeypatch.setattr(hooks, "schedule", lambda *args, **kwargs: None)
    world = make_shipping_world(database)
    world.account(CarrierKind.AGGREGATOR, "Aggregator", fake_aggregator)
    world.product_id = make_product(database, world.tenant, "A", "HAMMOCK", weight_grams=700,
                                    length_mm=300, width_mm=200, height_mm=100)  # fmt: skip
    world.trail = make_supplier(database, world.tenant, "TRAIL")
    world.other = make_supplier(database, world.tenant, "OTHER")
    link(database, world.tenant, world.trail, world.product_id, 6, supplier_sku="TG-1")
    run(database, world.tenant.scope, lambda uow: set_ship_from(uow, world.trail, DEPOT))
    return world


def _supplier_work(database, world, reference: str, ship_to: Address) -> uuid.UUID:
    """An order of client A for one HAMMOCK routed to TRAIL, which asked for a label."""
    command = replace(order_command(reference, (("HAMMOCK", 1),)), ship_to=ship_to,
                      client_id=world.tenant.clients["A"].id)  # fmt: skip
    created = place_order(database, world.tenant.scope, command)
    fo_id = route_to_supplier(database, world.tenant, created.order.id, world.trail)
    assert fo_id is not None
    run(database, world.tenant.scope, request_label, fo_id)
    return fo_id


def _supplier_endpoint(database, world, supplier_id: uuid.UUID, url: str) -> str:
    """An endpoint the supplier registered itself (supplier scope) for the new topic."""
    scope = TenantScope(
        provider_id=world.tenant.provider_id,
        kind=KeyKind.SUPPLIER,
        scopes=frozenset({"webhooks:write"}),
        supplier_id=supplier_id,
    )
    with TenantUnitOfWork(database.session_factory, scope) as uow:
        created = create_endpoint(uow, url=url, topics=[LABEL_FAILED.value],
                                  allow_private_urls=True)  # fmt: skip
        uow.commit()
    return created.secret


def _dispatch_and_deliver(world) -> None:
    """Dispatch the packed events (each twice: at-least-once), then send the webhooks."""
    for packed in world.events(Topic.FULFILLMENT_PACKED):
        actors.dispatch_fulfillment(world.provider, str(packed.id))
        actors.dispatch_fulfillment(world.provider, str(packed.id))
    for event in world.events(LABEL_FAILED.value):
        hooks.deliver_event_webhooks(world.provider, str(event.id))
        hooks.deliver_event_webhooks(world.provider, str(event.id))


def test_a_supplier_key_registers_an_endpoint_for_refused_labels(database, world, gql):
    # given
    key = make_supplier_key(database, world.tenant, world.trail)
    # when
    answer = gql(REGISTER, {"input": {"url": "https://hooks.example.com/trail",
                                      "topics": ["FULFILLMENT_LABEL_FAILED"]}}, key=key)  # fmt: skip
    # then
    assert answer["data"]["createWebhookEndpoint"] == {
        "endpoint": {"topics": ["FULFILLMENT_LABEL_FAILED"]},
        "userErrors": [],
    }
    assert LABEL_FAILED.value in SUPPLIER_TOPICS


def test_the_supplier_hears_its_refused_label_and_no_one_else_of_another_tenant_does(
    database, world, fake_aggregator
):
    # given: endpoints for the topic of TRAIL, OTHER, client A, client B, and of a client of
    # another provider
    stranger = make_tenant(database, "Southwind")
    with (
        WebhookReceiver() as trail, WebhookReceiver() as other, WebhookReceiver() as client_a,
        WebhookReceiver() as client_b, WebhookReceiver() as foreign,
    ):  # fmt: skip
        trail.secret = _supplier_endpoint(database, world, world.trail, trail.url)
        other.secret = _supplier_endpoint(database, world, world.other, other.url)
        _, client_a.secret = make_endpoint(database, world.tenant, client_a.url, (LABEL_FAILED,),
                                           client="A")  # fmt: skip
        _, client_b.secret = make_endpoint(database, world.tenant, client_b.url,
                                           tuple(Topic(t) for t in sorted(SUPPLIER_TOPICS)),
                                           client="B")  # fmt: skip
        _, foreign.secret = make_endpoint(database, stranger, foreign.url, (LABEL_FAILED,),
                                          client="A")  # fmt: skip
        # and: TRAIL's work to an address the carrier refuses
        fo_id = _supplier_work(database, world, "SO-BAD", BAD_ZIP)
        # when: dispatch tries (twice), and the webhooks go out (twice)
        _dispatch_and_deliver(world)
    # then: the work waits in EXCEPTION, told once, as TRAIL's event
    assert world.state(fo_id)[:2] == (FulfillmentStatus.EXCEPTION, OrderStatus.EXCEPTION)
    [event] = world.events(LABEL_FAILED.value)
    assert (event.supplier_id, event.client_id) == (world.trail, world.tenant.clients["A"].id)
    # and: TRAIL's endpoint heard it once, with the carrier's refusal and what to do next
    [message] = trail.received
    assert message.body["topic"] == "fulfillment_order.label_failed"
    data = message.body["data"]
    assert data["fulfillment_order_id"] == str(fo_id)
    assert data["supplier_id"] == str(world.trail)
    assert data["status"] == "EXCEPTION"
    assert data["exception_reason"] == "dispatch_failed"
    assert data["refusal"]["code"]
    assert "ZIP" in data["refusal"]["message"]
    assert [step["mutation"] for step in data["next_steps"]] == [
        "buySupplierLabel",
        "shipSupplierFulfillmentOrder",
        "rejectFulfillmentOrder",
    ]
    # and: nothing of the client's carrier account (its key, its address) is in it
    body = str(message.body)
    assert fake_aggregator.fake.api_key not in body
    assert fake_aggregator.url.split("//")[1] not in body
    # and: the client whose order it is hears it; no other supplier, client or provider does
    assert [m.body["data"]["fulfillment_order_id"] for m in client_a.received] == [str(fo_id)]
    assert (other.received, client_b.received, foreign.received) == ([], [], [])


def test_a_label_that_ships_tells_no_refusal(database, world):
    # given: TRAIL's endpoint for the topic, and work to a good address
    with WebhookReceiver() as trail:
        trail.secret = _supplier_endpoint(database, world, world.trail, trail.url)
        fo_id = _supplier_work(database, world, "SO-GOOD", US_CUSTOMER)
        # when
        _dispatch_and_deliver(world)
    # then
    assert world.state(fo_id)[0] is FulfillmentStatus.SHIPPED
    assert world.events(LABEL_FAILED.value) == []
    assert trail.received == []


def test_dispatch_giving_up_on_a_supplier_label_tells_the_supplier_once(database, world):
    # given: TRAIL's packed work the carrier never answered for
    fo_id = _supplier_work(database, world, "SO-SILENT", US_CUSTOMER)
    # when: dispatch gives up, twice (a retried actor)
    for _ in range(2):
        run(database, world.tenant.scope, lambda uow: give_up_on(uow, fo_id, 5))
    # then: one event, for TRAIL, saying it gave up and to ask again
    [event] = world.events(LABEL_FAILED.value)
    assert event.supplier_id == world.trail
    assert event.payload["refusal"]["code"] == GAVE_UP
    assert event.payload["refusal"]["message"].startswith("Dispatch failed 5 times")


def test_a_warehouse_refusal_is_no_supplier_event(database, world):
    # given: a warehouse's packed parcel to an address the carrier refuses
    world.packed("SO-WH", BAD_ZIP)
    # when
    _dispatch_and_deliver(world)
    # then: the provider and client hear order.exception; there is no supplier to tell
    assert len(world.events(Topic.ORDER_EXCEPTION.value)) == 1
    assert world.events(LABEL_FAILED.value) == []


def test_the_suppliers_live_feed_carries_its_refused_label_and_no_one_elses(database, world):
    # given: TRAIL's work refused by the carrier
    fo_id = _supplier_work(database, world, "SO-FEED", BAD_ZIP)
    # when: dispatch tries
    _dispatch_and_deliver(world)

    # then: TRAIL's shipmentEvents feed has it (its live page reads again); OTHER's has not
    def feed(supplier_id: uuid.UUID) -> list[tuple[str, uuid.UUID]]:
        scope = TenantScope(
            provider_id=world.tenant.provider_id,
            kind=KeyKind.SUPPLIER,
            scopes=frozenset({"orders:read"}),
            supplier_id=supplier_id,
        )
        with TenantUnitOfWork(database.session_factory, scope) as uow:
            events = events_after(uow, SHIPMENT_TOPICS, uuid.UUID(int=0), 100)
            return [(event.topic, event.aggregate_id) for event in events]

    assert (LABEL_FAILED.value, fo_id) in feed(world.trail)
    assert [topic for topic, _ in feed(world.other)] == []
