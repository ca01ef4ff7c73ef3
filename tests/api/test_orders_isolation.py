"""A key never reads or changes another client's or provider's orders: they answer as unknown ids."""

from __future__ import annotations

import pytest

from persistence.base import new_id
from tests.api.order_documents import (
    CANCEL,
    CREATE,
    NODE,
    ORDER,
    ORDERS,
    PLACE_HOLD,
    RELEASE_HOLD,
    SHIP,
    step,
)
from tests.factories import count_rows, dotted, global_id
from tests.factories_orders import ORDER_TABLES, make_order_world, order_input


@pytest.fixture
def victim(database, gql):
    """Client B's order (with a hold) and its fulfillment order, in Northwind."""
    world = make_order_world(database)
    key = world.tenant.clients["B"].key
    order = gql(CREATE, {"input": order_input("B-1", (("SKU-B", 1),))}, key=key)["data"][
        "createOrder"
    ]["order"]
    hold = gql(PLACE_HOLD, {"order": order["id"], "reason": "CLIENT_REQUEST"}, key=key)["data"][
        "placeOrderHold"
    ]["hold"]
    return world, order, order["fulfillmentOrders"][0]["id"], hold["id"]


def random(type_name: str) -> str:
    return global_id(type_name, new_id())


def test_a_client_cannot_read_another_clients_orders(database, gql, victim):
    world, order, fo, hold = victim
    key = world.tenant.clients["A"].key
    # list
    assert gql(ORDERS, {}, key=key)["data"]["orders"]["edges"] == []
    assert (
        gql(ORDERS, {"filter": {"clientId": world.tenant.clients["B"].global_id}}, key=key)["data"][
            "orders"
        ]["edges"]
        == []
    )
    # order(id) and node(id), like a random id
    assert (
        gql(ORDER, {"id": order["id"]}, key=key)
        == gql(ORDER, {"id": random("Order")}, key=key)
        == {"data": {"order": None}}
    )
    for hidden, type_name in (
        (order["id"], "Order"),
        (fo, "FulfillmentOrder"),
        (hold, "OrderHold"),
    ):
        assert (
            gql(NODE, {"id": hidden}, key=key)
            == gql(NODE, {"id": random(type_name)}, key=key)
            == {"data": {"node": None}}
        )


def test_a_client_cannot_change_another_clients_orders(database, gql, victim):
    # given
    world, order, _, hold = victim
    key = world.tenant.clients["A"].key
    before = {table: count_rows(database, table) for table in ORDER_TABLES}
    attempts = [
        (
            PLACE_HOLD,
            "placeOrderHold",
            lambda i: {"order": i, "reason": "CLIENT_REQUEST"},
            order["id"],
            "Order",
        ),
        (RELEASE_HOLD, "releaseOrderHold", lambda i: {"id": i}, hold, "OrderHold"),
        (CANCEL, "cancelOrder", lambda i: {"id": i}, order["id"], "Order"),
    ]
    # when / then: each answers exactly like a random id
    for document, name, variables, hidden, type_name in attempts:
        answer = gql(document, variables(hidden), key=key)["data"][name]
        assert answer == gql(document, variables(random(type_name)), key=key)["data"][name]
        assert answer["userErrors"][0]["code"] == "NOT_FOUND"
    # and: reusing B's reference makes A's own order, not B's
    own = gql(CREATE, {"input": order_input("B-1", (("SKU-1", 1),))}, key=key)["data"][
        "createOrder"
    ]
    assert own["created"] is True
    assert own["order"]["id"] != order["id"]
    after = {table: count_rows(database, table) for table in ORDER_TABLES}
    assert after["order_holds"] == before["order_holds"]
    assert after["orders"] == before["orders"] + 1


def test_another_provider_cannot_touch_the_orders(database, gql, victim):
    # given
    _, order, fo, hold = victim
    other = make_order_world(database, "Southwind").tenant.key
    before = {table: count_rows(database, table) for table in ORDER_TABLES}
    # when / then
    assert gql(ORDERS, {}, key=other)["data"]["orders"]["edges"] == []
    assert gql(ORDER, {"id": order["id"]}, key=other) == {"data": {"order": None}}
    for name in ("startPicking", "markPacked", "markDelivered"):
        answer = gql(step(name), {"id": fo}, key=other)["data"][name]
        assert (
            answer == gql(step(name), {"id": random("FulfillmentOrder")}, key=other)["data"][name]
        )
        assert answer["userErrors"][0]["code"] == "NOT_FOUND"
    shipped = gql(SHIP, {"id": fo, "carrier": "DHL", "tracking": "X"}, key=other)["data"][
        "markShipped"
    ]
    assert shipped["userErrors"][0]["code"] == "NOT_FOUND"
    assert (
        gql(CANCEL, {"id": order["id"]}, key=other)["data"]["cancelOrder"]["userErrors"][0]["code"]
        == "NOT_FOUND"
    )
    assert (
        gql(RELEASE_HOLD, {"id": hold}, key=other)["data"]["releaseOrderHold"]["userErrors"][0][
            "code"
        ]
        == "NOT_FOUND"
    )
    assert {table: count_rows(database, table) for table in ORDER_TABLES} == before


def test_a_provider_cannot_order_for_another_providers_client(database, gql, victim):
    world, *_ = victim
    other = make_order_world(database, "Southwind").tenant.key
    variables = {
        "input": order_input("X-1", (("SKU-B", 1),), clientId=world.tenant.clients["B"].global_id)
    }
    refused = gql(CREATE, variables, key=other)["data"]["createOrder"]
    assert [(dotted(e["field"]), e["code"]) for e in refused["userErrors"]] == [
        ("clientId", "NOT_FOUND")
    ]
