"""Listing orders (filters, sorting, keyset pages) and fetching them as nodes."""

from __future__ import annotations

import pytest

from tests.api.order_documents import CREATE, NODE, ORDER, ORDERS, PLACE_HOLD
from tests.factories_orders import make_order_world, order_input


@pytest.fixture
def world(database):
    return make_order_world(database)


def create(gql, key: str, reference: str, lines=(("SKU-1", 2),)) -> dict:
    variables = {"input": order_input(reference, lines)}
    return gql(CREATE, variables, key=key)["data"]["createOrder"]


def test_orders_are_listed_filtered_and_paged(database, gql, world):
    # given
    key = world.tenant.clients["A"].key
    for i in range(5):
        create(gql, key, f"SO-{i}", lines=(("SKU-2", 1 if i < 3 else 9),))

    # when
    def refs(variables: dict, who: str = key) -> list[str]:
        page = gql(ORDERS, variables, key=who)["data"]["orders"]
        return [edge["node"]["externalReference"] for edge in page["edges"]]

    # then
    assert refs({}) == ["SO-4", "SO-3", "SO-2", "SO-1", "SO-0"]
    assert refs({"sort": {"field": "CREATED_AT", "direction": "ASC"}}) == [
        "SO-0",
        "SO-1",
        "SO-2",
        "SO-3",
        "SO-4",
    ]
    assert refs({"filter": {"status": ["ALLOCATED"]}}) == ["SO-2", "SO-1", "SO-0"]
    assert refs({"filter": {"status": ["BACKORDERED", "PARTIALLY_ALLOCATED"]}}) == ["SO-4", "SO-3"]
    assert refs({"filter": {"externalReference": "SO-3"}}) == ["SO-3"]
    assert (
        refs({"filter": {"clientId": world.tenant.clients["B"].global_id}}, world.tenant.key) == []
    )
    assert (
        refs({"filter": {"clientId": world.tenant.clients["A"].global_id}}, world.tenant.key)[0]
        == "SO-4"
    )
    first = gql(ORDERS, {"first": 2, "sort": {"field": "UPDATED_AT", "direction": "ASC"}}, key=key)[
        "data"
    ]["orders"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = refs(
        {
            "first": 10,
            "after": first["pageInfo"]["endCursor"],
            "sort": {"field": "UPDATED_AT", "direction": "ASC"},
        }
    )
    assert [e["node"]["externalReference"] for e in first["edges"]] + rest == [
        "SO-0",
        "SO-1",
        "SO-2",
        "SO-3",
        "SO-4",
    ]
    created_at = gql(ORDER, {"id": _id_of(gql, key, "SO-2")}, key=key)["data"]["order"]["createdAt"]
    assert refs({"filter": {"createdAfter": created_at}}) == ["SO-4", "SO-3"]
    assert refs({"filter": {"createdBefore": created_at}}) == ["SO-1", "SO-0"]
    assert refs({"filter": {"updatedSince": created_at}})[-1] == "SO-2"


def _id_of(gql, key: str, reference: str) -> str:
    found = gql(
        "query($f: OrderFilterInput) { orders(filter: $f) { edges { node { id } } } }",
        {"f": {"externalReference": reference}},
        key=key,
    )
    return found["data"]["orders"]["edges"][0]["node"]["id"]


def test_page_size_is_capped(database, gql, world):
    result = gql(ORDERS, {"first": 101}, key=world.tenant.key)
    assert result["errors"][0]["extensions"]["code"] == "PAGE_SIZE"


def test_orders_fulfillment_orders_and_holds_are_nodes(database, gql, world):
    key = world.tenant.clients["A"].key
    order = create(gql, key, "SO-1")["order"]
    hold = gql(PLACE_HOLD, {"order": order["id"], "reason": "CLIENT_REQUEST"}, key=key)["data"][
        "placeOrderHold"
    ]["hold"]
    assert gql(NODE, {"id": order["id"]}, key=key)["data"]["node"]["status"] == "ON_HOLD"
    fo = gql(NODE, {"id": order["fulfillmentOrders"][0]["id"]}, key=key)["data"]["node"]
    assert (fo["__typename"], fo["warehouse"]) == ("FulfillmentOrder", {"code": "WH-A"})
    assert gql(NODE, {"id": hold["id"]}, key=key)["data"]["node"]["reason"] == "CLIENT_REQUEST"
