"""A supplier buys a label through the client's carrier accounts instead of reporting its own
tracking: through the API (supplier key) and the dispatch worker, billed to the client."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import dramatiq
import dramatiq.broker
import pytest
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import select

if dramatiq.broker.global_broker is None:  # never let an import reach for RabbitMQ
    dramatiq.set_broker(StubBroker())

from domain.billing.accrual import accrue_event
from domain.billing.models import Charge, ChargeType
from domain.billing.rate_cards import NewRateCard, create_rate_card
from domain.orders.models import FulfillmentStatus, OrderStatus
from domain.outbox.events import Topic
from domain.shipping.accounts import AccountChanges, update_carrier_account
from domain.shipping.models import CarrierAccount, CarrierKind, DispatchAttempt
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork
from tests.catalog_factories import make_product
from tests.factories import count_rows, global_id
from tests.factories_orders import order_command, place_order
from tests.fakes.aggregator_server import fake_aggregator_server
from tests.shipping_factories import BAD_ZIP, US_CUSTOMER, fake_aggregator, make_shipping_world
from tests.supplier_factories import (
    link,
    make_supplier,
    make_supplier_key,
    route_to_supplier,
    supplier_level,
    supplier_stock_matches_log,
)
from workers import dispatch as actors
from workers import runtime

__all__ = ["fake_aggregator", "fake_aggregator_server"]

ERRORS = "userErrors { field code message }"
SHIP_FROM = f"""
mutation($input: SetSupplierShipFromInput!) {{
  setSupplierShipFrom(input: $input) {{
    supplier {{ code shipFrom {{ name line1 city postalCode country }} }} {ERRORS} }} }}
"""
BUY = f"""
mutation($id: ID!) {{
  buySupplierLabel(input: {{id: $id}}) {{ fulfillmentOrder {{ status }} {ERRORS} }} }}
"""
WORK = """
{ fulfillmentOrders(filter: {dropShip: true}) { edges { node {
    id status carrier trackingNumber labelRefusal
    label { carrier trackingNumber labelFormat labelBase64 } } } } }
"""
REFUSED = """
{ fulfillmentOrders(filter: {dropShip: true, status: [EXCEPTION]}) {
  edges { node { id status exceptionReason labelRefusal label { trackingNumber } } } } }
"""
OWN_SHIP = f"""
mutation($id: ID!) {{
  shipSupplierFulfillmentOrder(input: {{id: $id, carrier: "USPS", trackingNumber: "9400"}}) {{
    fulfillmentOrder {{ status }} {ERRORS} }} }}
"""
TRAIL_DEPOT = {
    "line1": "1 Depot Way",
    "city": "Denver",
    "region": "CO",
    "postalCode": "80202",
    "country": "US",
}


@pytest.fixture
def world(database, monkeypatch):
    """The shipping world; supplier TRAIL alone carries client A's HAMMOCK (6 reported) and
    holds an order of A's for 2 of them; client A has a carrier account."""
    monkeypatch.setattr(runtime, "_session_factory", database.session_factory)
    world = make_shipping_world(database)
    world.account(CarrierKind.RATE_TABLE, "Crossdock Post")
    world.product_id = make_product(database, world.tenant, "A", "HAMMOCK", weight_grams=700,
                                    length_mm=300, width_mm=200, height_mm=100)  # fmt: skip
    trail = make_supplier(database, world.tenant, "TRAIL")
    link(database, world.tenant, trail, world.product_id, 6, supplier_sku="TG-1")
    command = replace(order_command("SO-L", (("HAMMOCK", 2),)), ship_to=US_CUSTOMER,
                      client_id=world.tenant.clients["A"].id)  # fmt: skip
    created = place_order(database, world.tenant.scope, command)
    world.trail = trail
    world.trail_key = make_supplier_key(database, world.tenant, trail)
    world.fo = route_to_supplier(database, world.tenant, created.order.id, trail)
    return world


def test_a_supplier_buys_a_label_and_dispatch_ships_its_part_billed_to_the_client(
    world, gql, database
):
    # given: a shipping fee on the client's rate card
    with TenantUnitOfWork(database.session_factory, world.tenant.scope) as uow:
        rates = {"shipping_flat_fee": Decimal("1.00")}
        create_rate_card(uow, NewRateCard(None, utcnow().replace(year=2020), "USD", rates))
        uow.commit()
    fo = global_id("FulfillmentOrder", world.fo)
    # when: the supplier sets its depot, then asks for a label
    address = gql(SHIP_FROM, {"input": {"address": TRAIL_DEPOT}}, key=world.trail_key)
    bought = gql(BUY, {"id": fo}, key=world.trail_key)["data"]["buySupplierLabel"]
    # then: its name is the sender; the fulfillment order waits for dispatch
    assert address["data"]["setSupplierShipFrom"] == {
        "supplier": {
            "code": "TRAIL",
            "shipFrom": {"name": "Supplier TRAIL", "line1": "1 Depot Way", "city": "Denver",
                         "postalCode": "80202", "country": "US"},
        },
        "userErrors": [],
    }  # fmt: skip
    assert bought == {"fulfillmentOrder": {"status": "PACKED"}, "userErrors": []}
    # when: the dispatch worker gets the packed event (twice: at-least-once delivery)
    [packed] = world.events(Topic.FULFILLMENT_PACKED)
    actors.dispatch_fulfillment(world.provider, str(packed.id))
    actors.dispatch_fulfillment(world.provider, str(packed.id))
    # then: one label, bought from the supplier's depot; the supplier's units shipped
    [shipment] = world.shipments()
    assert shipment.fulfillment_order_id == world.fo
    assert shipment.client_id == world.tenant.clients["A"].id
    [node] = [
        e["node"] for e in gql(WORK, key=world.trail_key)["data"]["fulfillmentOrders"]["edges"]
    ]
    assert (node["status"], node["labelRefusal"]) == ("SHIPPED", None)
    assert node["trackingNumber"] == shipment.tracking_number
    assert node["label"]["trackingNumber"] == shipment.tracking_number
    assert node["label"]["labelBase64"]
    assert supplier_level(database, world.trail, world.product_id) == (4, 0)
    with TenantUnitOfWork(database.session_factory, world.tenant.scope) as uow:
        [quote] = uow.session.query(DispatchAttempt.quote).all()
    sender = quote[0]["ship_from"]
    assert (sender["name"], sender["city"], sender["postal_code"]) == (
        "Supplier TRAIL",
        "Denver",
        "80202",
    )
    assert supplier_stock_matches_log(database)
    # and: the label is billed to the client like a warehouse's, once
    [created] = world.events(Topic.SHIPMENT_CREATED)
    for _ in range(2):
        with TenantUnitOfWork(database.session_factory, world.tenant.scope) as uow:
            accrue_event(uow, created.id)
            uow.commit()
    with TenantUnitOfWork(database.session_factory, world.tenant.scope) as uow:
        charges = uow.session.query(Charge.charge_type, Charge.client_id).all()
    assert (ChargeType.SHIPPING, world.tenant.clients["A"].id) in charges
    assert [c for c, _ in charges].count(ChargeType.SHIPPING) == 1


@pytest.mark.parametrize("case", ["no ship-from", "another supplier", "twice", "no carrier"])
def test_bad_label_requests_are_refused_and_change_nothing(world, gql, database, case):
    # given
    fo = global_id("FulfillmentOrder", world.fo)
    key = world.trail_key
    if case != "no ship-from":
        gql(SHIP_FROM, {"input": {"address": TRAIL_DEPOT}}, key=world.trail_key)
    if case == "another supplier":
        key = make_supplier_key(
            database, world.tenant, make_supplier(database, world.tenant, "BOLT")
        )
    if case == "twice":
        gql(BUY, {"id": fo}, key=key)
    if case == "no carrier":
        with TenantUnitOfWork(database.session_factory, world.tenant.scope) as uow:
            for account in uow.session.query(CarrierAccount):
                update_carrier_account(uow, account.id, AccountChanges(enabled=False))
            uow.commit()
    events = count_rows(database, "outbox_events")
    # when
    answer = gql(BUY, {"id": fo}, key=key)["data"]["buySupplierLabel"]
    # then
    expected = {
        "no ship-from": "REQUIRED",
        "another supplier": "NOT_FOUND",
        "twice": "ILLEGAL_TRANSITION",
        "no carrier": "ILLEGAL_TRANSITION",
    }[case]
    assert answer["fulfillmentOrder"] is None
    assert answer["userErrors"][0]["code"] == expected, answer
    assert count_rows(database, "outbox_events") == events
    assert world.shipments() == []


def test_a_bad_ship_from_address_is_refused_with_its_field(world, gql):
    bad = TRAIL_DEPOT | {"country": "Atlantis"}
    answer = gql(SHIP_FROM, {"input": {"address": bad}}, key=world.trail_key)
    [error] = answer["data"]["setSupplierShipFrom"]["userErrors"]
    assert (error["field"], error["code"]) == (["address", "country"], "INVALID")


def test_a_label_the_carrier_refuses_leaves_the_work_in_exception_for_the_supplier(
    world, gql, database, fake_aggregator
):
    # given: the client ships through an aggregator, which refuses a bad ZIP code
    with TenantUnitOfWork(database.session_factory, world.tenant.scope) as uow:
        for account in uow.session.query(CarrierAccount):
            update_carrier_account(uow, account.id, AccountChanges(enabled=False))
        uow.commit()
    world.account(CarrierKind.AGGREGATOR, "Aggregator", fake_aggregator)
    # and: an order to such an address, routed to TRAIL, which asks for a label
    command = replace(order_command("SO-BAD", (("HAMMOCK", 1),)), ship_to=BAD_ZIP,
                      client_id=world.tenant.clients["A"].id)  # fmt: skip
    created = place_order(database, world.tenant.scope, command)
    fo_id = route_to_supplier(database, world.tenant, created.order.id, world.trail)
    fo = global_id("FulfillmentOrder", fo_id)
    gql(SHIP_FROM, {"input": {"address": TRAIL_DEPOT}}, key=world.trail_key)
    assert gql(BUY, {"id": fo}, key=world.trail_key)["data"]["buySupplierLabel"]["userErrors"] == []
    # when: dispatch tries
    [packed] = world.events(Topic.FULFILLMENT_PACKED)
    actors.dispatch_fulfillment(world.provider, str(packed.id))
    # then: no label; the supplier's part and the order wait in EXCEPTION
    assert world.shipments() == []
    assert world.state(fo_id)[:2] == (FulfillmentStatus.EXCEPTION, OrderStatus.EXCEPTION)
    assert supplier_level(database, world.trail, world.product_id) == (6, 3)
    # and: the supplier reads why (the carrier refused), and no label
    [node] = [
        e["node"]
        for e in gql(REFUSED, key=world.trail_key)["data"]["fulfillmentOrders"]["edges"]
        if e["node"]["id"] == fo
    ]
    with TenantUnitOfWork(database.session_factory, world.tenant.scope) as uow:
        [carriers_words] = uow.session.scalars(select(DispatchAttempt.exception_reason)).all()
    assert carriers_words
    assert node == {"id": fo, "status": "EXCEPTION", "exceptionReason": "DISPATCH_FAILED",
                    "labelRefusal": carriers_words, "label": None}  # fmt: skip
    # and: the provider and the client are told, as order.exception with the carrier's words
    [told] = world.events(Topic.ORDER_EXCEPTION)
    assert told.client_id == world.tenant.clients["A"].id
    assert told.aggregate_id == created.order.id
    assert told.payload["fulfillment_order_id"] == str(fo_id)
    assert told.payload["reason"] == carriers_words
    assert told.payload["status"] == "EXCEPTION"
    # when: the supplier ships it with its own carrier instead
    shipped = gql(OWN_SHIP, {"id": fo}, key=world.trail_key)["data"]["shipSupplierFulfillmentOrder"]
    # then
    assert shipped == {"fulfillmentOrder": {"status": "SHIPPED"}, "userErrors": []}
    assert supplier_level(database, world.trail, world.product_id) == (5, 2)
    assert supplier_stock_matches_log(database)
