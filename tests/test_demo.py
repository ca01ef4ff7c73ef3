"""The README's tour, run against the demo data: what a newcomer pastes must work."""

from __future__ import annotations

from crossdock.demo import seed_demo
from persistence.unit_of_work import UnitOfWork
from tests.inventory_checks import assert_levels_match_ledger

CREATE_ORDER = """mutation {
  createOrder(input: {
    externalReference: "SHOP-1001", serviceLevel: STANDARD,
    shipTo: {name: "Dana Smith", line1: "12 Pine St", city: "Boulder", region: "CO",
             postalCode: "80302", country: "US"},
    lines: [{sku: "TENT-2P", quantity: 2}, {sku: "LAMP-LED", quantity: 6}]
  }) { created order { id status lines { sku allocatedQuantity backorderedQuantity } }
       userErrors { field code message } } }"""
PROVIDER_ORDERS = """{ orders(first: 20, filter: {status: [ALLOCATED, PARTIALLY_ALLOCATED]}) {
  edges { node { externalReference status client { code }
    fulfillmentOrders { id status warehouse { code } lines { quantity } } } } } }"""
IDS = '{ warehouses { edges { node { id code } } } products(filter: {sku: "LAMP-LED"}) { edges { node { id } } } }'
CREATE_ASN = """mutation($warehouse: ID!, $lamp: ID!) {
  createInboundShipment(input: {warehouseId: $warehouse, reference: "PO-7731",
                                lines: [{productId: $lamp, quantity: 50}]}) {
    inboundShipment { id status } userErrors { field code message } } }"""
RECEIVE = """mutation($asn: ID!, $lamp: ID!) {
  receiveInboundShipment(input: {id: $asn, lines: [{productId: $lamp, quantity: 48}]}) {
    inboundShipment { status } userErrors { code message } } }"""


def test_the_readme_tour_works_on_the_demo_data(database, gql):
    # given
    with UnitOfWork(database.session_factory) as uow:
        demo = seed_demo(uow)
        uow.commit()
    # when the client orders more lanterns than there are
    created = gql(CREATE_ORDER, key=demo.client_key)["data"]["createOrder"]
    # then
    assert created["userErrors"] == []
    assert created["order"]["status"] == "PARTIALLY_ALLOCATED"
    lamp_line = created["order"]["lines"][1]
    assert (lamp_line["allocatedQuantity"], lamp_line["backorderedQuantity"]) == (4, 2)
    seen = gql(PROVIDER_ORDERS, key=demo.provider_key)["data"]["orders"]["edges"]
    assert [(e["node"]["externalReference"], e["node"]["client"]["code"]) for e in seen] == [
        ("SHOP-1001", "ACME")
    ]
    # when stock arrives at the first warehouse
    ids = gql(IDS, key=demo.client_key)["data"]
    variables = {
        "warehouse": ids["warehouses"]["edges"][0]["node"]["id"],
        "lamp": ids["products"]["edges"][0]["node"]["id"],
    }
    asn = gql(CREATE_ASN, variables, key=demo.client_key)["data"]["createInboundShipment"]
    received = gql(
        RECEIVE,
        {"asn": asn["inboundShipment"]["id"], "lamp": variables["lamp"]},
        key=demo.provider_key,
    )["data"]["receiveInboundShipment"]
    # then the backorder is allocated
    assert received["userErrors"] == []
    order = gql(PROVIDER_ORDERS, key=demo.provider_key)["data"]["orders"]["edges"][0]["node"]
    assert order["status"] == "ALLOCATED"
    assert len(order["fulfillmentOrders"]) == 2
    assert_levels_match_ledger(database)


def test_the_other_client_sees_none_of_it(database, gql):
    with UnitOfWork(database.session_factory) as uow:
        demo = seed_demo(uow)
        uow.commit()
    gql(CREATE_ORDER, key=demo.client_key)
    assert gql(PROVIDER_ORDERS, key=demo.other_client_key)["data"]["orders"]["edges"] == []
