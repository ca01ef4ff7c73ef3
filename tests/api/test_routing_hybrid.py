"""Hybrid fulfilment over GraphQL: one order split across a provider warehouse, the client's own
merchant location and a drop-ship supplier, each shipped independently; manual overrides recorded."""

from __future__ import annotations

import pytest

from domain.catalog.locations import create_merchant_location
from tests.api.order_documents import CREATE, SHIP, step
from tests.api.test_routing import DECISIONS, set_rules, source
from tests.factories import count_rows, dotted, global_id
from tests.factories_orders import (
    levels_match_ledger,
    make_order_world,
    make_product,
    order_input,
    put_stock,
    run,
)
from tests.supplier_factories import (
    link,
    make_supplier,
    make_supplier_key,
    supplier_level,
    supplier_stock_matches_log,
)

REROUTE = """
mutation($input: RerouteFulfillmentOrderInput!) {
  rerouteFulfillmentOrder(input: $input) {
    fulfillmentOrder { id status warehouse { code kind } lines { quantity } }
    order { status }
    userErrors { field code message }
  }
}
"""
SHOP = {
    "code": "A-SHOP",
    "name": "A's shop",
    "address_line1": "1 High St",
    "city": "Leeds",
    "postal_code": "LS1 1AA",
    "country": "GB",
    "timezone": "Europe/London",
}


@pytest.fixture
def world(database):
    """Northwind; A's own shop A-SHOP holds 5 of SKU-2; A's rule: WH-A, then A-SHOP."""
    world = make_order_world(database)
    a = world.tenant.clients["A"]
    shop = run(database, world.tenant.scope, create_merchant_location, a.id, SHOP)
    world.warehouses["A-SHOP"] = shop.id
    put_stock(database, world.tenant, "A", world.products["SKU-2"], shop.id, 5)
    return world


def fulfillment(order: dict) -> dict[str, dict]:
    return {fo["warehouse"]["code"]: fo for fo in order["fulfillmentOrders"]}


def ship(gql, fo_id: str, key: str) -> dict:
    for name in ("startPicking", "markPacked"):
        answer = gql(step(name), {"id": fo_id}, key=key)["data"][name]
        assert answer["userErrors"] == [], answer
    variables = {"id": fo_id, "carrier": "Royal Mail", "tracking": "RM123"}
    return gql(SHIP, variables, key=key)["data"]["markShipped"]


def test_one_order_split_across_a_warehouse_and_a_merchant_location_ships_in_parts(
    database, gql, world
):
    # given
    set_rules(gql, world, [{"name": "hybrid", "sources": [source(world, "WH-A"),
                                                          source(world, "A-SHOP")]}])  # fmt: skip
    client = world.tenant.clients["A"].key
    # when
    made = gql(CREATE, {"input": order_input("SO-H", (("SKU-1", 2), ("SKU-2", 2)))}, key=client)
    order = made["data"]["createOrder"]["order"]
    # then: SKU-1 from the 3PL's WH-A, SKU-2 from A's shop
    parts = fulfillment(order)
    assert sorted((code, fo["lines"][0]["product"]["sku"]) for code, fo in parts.items()) == [
        ("A-SHOP", "SKU-2"),
        ("WH-A", "SKU-1"),
    ]
    assert order["status"] == "ALLOCATED"
    # the client may not run the provider's warehouse
    refused = gql(step("startPicking"), {"id": parts["WH-A"]["id"]}, key=client)
    assert refused["data"]["startPicking"]["userErrors"][0]["code"] == "FORBIDDEN"
    # another client cannot touch A's shop parcel
    other = gql(step("startPicking"), {"id": parts["A-SHOP"]["id"]},
                key=world.tenant.clients["B"].key)  # fmt: skip
    assert other["data"]["startPicking"]["userErrors"][0]["code"] == "NOT_FOUND"
    # when: the provider ships its part
    shipped = ship(gql, parts["WH-A"]["id"], world.tenant.key)
    # then: the order is not shipped while A's part waits
    assert shipped["fulfillmentOrder"]["status"] == "SHIPPED"
    assert shipped["order"]["status"] == "PICKING"
    # when: the client ships its own part by hand
    last = ship(gql, parts["A-SHOP"]["id"], client)
    # then
    assert last["fulfillmentOrder"]["status"] == "SHIPPED"
    assert last["order"]["status"] == "SHIPPED"
    assert levels_match_ledger(database)


SUPPLIER_SHIP = """
mutation($id: ID!) {
  shipSupplierFulfillmentOrder(input: {id: $id, carrier: "UPS", trackingNumber: "1Z42"}) {
    fulfillmentOrder { status } userErrors { field code message } } }
"""
ORDER_PARTS = """
query($id: ID!) { order(id: $id) { status
  fulfillmentOrders { id status trackingNumber warehouse { code } supplier { code } } } }
"""


def test_one_order_split_across_warehouse_merchant_location_and_supplier_ships_in_three_parts(
    database, gql, world
):
    # given: SKU-3 is carried only by supplier ACME (4 reported); A's rule lists all three
    sku3 = make_product(database, world.tenant, "A", "SKU-3")
    acme = make_supplier(database, world.tenant, "ACME")
    link(database, world.tenant, acme, sku3, 4, supplier_sku="AC-3")
    acme_key = make_supplier_key(database, world.tenant, acme)
    sources = [source(world, "WH-A"), source(world, "A-SHOP"),
               {"supplierId": global_id("Supplier", acme)}]  # fmt: skip
    assert set_rules(gql, world, [{"name": "three", "sources": sources}])["userErrors"] == []
    client = world.tenant.clients["A"].key
    lines = (("SKU-1", 2), ("SKU-2", 1), ("SKU-3", 3))
    # when
    made = gql(CREATE, {"input": order_input("SO-3", lines)}, key=client)
    order_id = made["data"]["createOrder"]["order"]["id"]
    parts = _parts(gql, world, order_id)
    # then: one fulfillment order per source
    assert sorted(parts) == ["A-SHOP", "ACME", "WH-A"]
    assert supplier_level(database, acme, sku3) == (4, 3)
    # when: each ships on its own; the order is SHIPPED only with the last
    steps = [
        ("WH-A", lambda: ship(gql, parts["WH-A"]["id"], world.tenant.key)),
        ("ACME", lambda: gql(SUPPLIER_SHIP, {"id": parts["ACME"]["id"]}, key=acme_key)["data"][
            "shipSupplierFulfillmentOrder"]),
        ("A-SHOP", lambda: ship(gql, parts["A-SHOP"]["id"], client)),
    ]  # fmt: skip
    seen = []
    for name, step_ in steps:
        answer = step_()
        assert answer["userErrors"] == [], (name, answer)
        after = gql(ORDER_PARTS, {"id": order_id}, key=world.tenant.key)["data"]["order"]
        seen.append((name, after["status"], _parts_status(after)[name]))
    # then
    assert seen == [
        ("WH-A", "PICKING", "SHIPPED"),
        ("ACME", "PICKING", "SHIPPED"),
        ("A-SHOP", "SHIPPED", "SHIPPED"),
    ]
    assert supplier_level(database, acme, sku3) == (1, 0)
    assert levels_match_ledger(database)
    assert supplier_stock_matches_log(database)


def _parts(gql, world, order_id: str) -> dict[str, dict]:
    order = gql(ORDER_PARTS, {"id": order_id}, key=world.tenant.key)["data"]["order"]
    return {(fo["warehouse"] or fo["supplier"])["code"]: fo for fo in order["fulfillmentOrders"]}


def _parts_status(order: dict) -> dict[str, str]:
    return {
        (fo["warehouse"] or fo["supplier"])["code"]: fo["status"]
        for fo in order["fulfillmentOrders"]
    }


def test_a_manual_override_moves_the_units_and_is_recorded_beside_the_decision(
    database, gql, world
):
    # given: the default rule puts SKU-2 (3 in WH-B) in WH-B
    client = world.tenant.clients["A"].key
    made = gql(CREATE, {"input": order_input("SO-O", (("SKU-2", 2),))}, key=client)
    order = made["data"]["createOrder"]["order"]
    [fo] = order["fulfillmentOrders"]
    assert fo["warehouse"]["code"] == "WH-B"
    move = {"id": fo["id"], "warehouseId": source(world, "A-SHOP")["warehouseId"],
            "reason": "customer collects in store"}  # fmt: skip
    # when: the client moves it to its own shop
    moved = gql(REROUTE, {"input": move}, key=client)["data"]["rerouteFulfillmentOrder"]
    # then
    assert moved["userErrors"] == []
    assert moved["fulfillmentOrder"]["warehouse"] == {"code": "A-SHOP", "kind": "MERCHANT_LOCATION"}
    assert moved["fulfillmentOrder"]["lines"] == [{"quantity": 2}]
    assert moved["order"]["status"] == "ALLOCATED"
    decisions = gql(DECISIONS, {"id": order["id"]}, key=world.tenant.key)["data"]["order"]
    kinds = [(d["kind"], d["reason"]) for d in decisions["routingDecisions"]]
    assert kinds == [("CREATION", None), ("OVERRIDE", "customer collects in store")]
    [line] = decisions["routingDecisions"][1]["explanation"]["lines"]
    assert [
        (c["source"]["code"], c["verdict"], c["assignedQuantity"]) for c in line["candidates"]
    ] == [
        ("WH-B", "OVERRIDDEN", 0),
        ("A-SHOP", "MANUAL", 2),
    ]
    assert levels_match_ledger(database)


@pytest.mark.parametrize(
    ("case", "field", "code"),
    [
        ("client to the provider's warehouse", "warehouseId", "FORBIDDEN"),
        ("not enough at the target", "warehouseId", "INSUFFICIENT_STOCK"),
        ("picking started", "id", "ILLEGAL_TRANSITION"),
        ("another client's location", "warehouseId", "NOT_FOUND"),
        ("no reason", "reason", "REQUIRED"),
        ("same place", "warehouseId", "INVALID"),
    ],
)
def test_bad_overrides_are_refused_and_nothing_is_written(database, gql, world, case, field, code):
    # given: an order of 2 x SKU-1 in WH-A (10 there)
    client = world.tenant.clients["A"].key
    made = gql(CREATE, {"input": order_input("SO-X", (("SKU-1", 2),))}, key=client)
    [fo] = made["data"]["createOrder"]["order"]["fulfillmentOrders"]
    b_shop = run(database, world.tenant.scope, create_merchant_location,
                 world.tenant.clients["B"].id, SHOP | {"code": "B-SHOP"})  # fmt: skip
    target, key, reason = "WH-B", world.tenant.key, "because"
    if case == "client to the provider's warehouse":
        put_stock(database, world.tenant, "A", world.products["SKU-1"], world.warehouses["WH-B"], 5)
        key = client
    elif case == "picking started":
        put_stock(database, world.tenant, "A", world.products["SKU-1"], world.warehouses["WH-B"], 5)
        gql(step("startPicking"), {"id": fo["id"]}, key=world.tenant.key)
    elif case == "no reason":
        reason = " "
    elif case == "same place":
        target = "WH-A"
    warehouse = (
        global_id("Warehouse", b_shop.id)
        if case == "another client's location"
        else source(world, target)["warehouseId"]
    )
    before = {t: count_rows(database, t) for t in ("routing_decisions", "inventory_movements")}
    # when
    answer = gql(REROUTE, {"input": {"id": fo["id"], "warehouseId": warehouse, "reason": reason}},
                 key=key)["data"]["rerouteFulfillmentOrder"]  # fmt: skip
    # then
    assert answer["fulfillmentOrder"] is None
    [error] = answer["userErrors"]
    assert (dotted(error["field"]), error["code"]) == (field, code)
    assert before == {t: count_rows(database, t) for t in before}
