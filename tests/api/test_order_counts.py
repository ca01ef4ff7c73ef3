"""orderStatusCounts and the warehouse filter: the order board's totals and narrowing."""

from __future__ import annotations

from tests.api.order_documents import CREATE
from tests.factories_orders import make_order_world, order_input

COUNTS = """
query($filter: OrderFilterInput) {
  orderStatusCounts(filter: $filter) { status count } }
"""


def test_the_board_counts_orders_per_state_and_narrows_by_warehouse(database, gql):
    # given A's SKU-1 is stocked in WH-A only and SKU-2 in WH-B only
    world = make_order_world(database)
    key = world.tenant.clients["A"].key
    for reference, lines in (("SO-1", (("SKU-1", 1),)), ("SO-2", (("SKU-2", 1),))):
        gql(CREATE, {"input": order_input(reference, lines)}, key=key)
    gql(CREATE, {"input": order_input("SO-3", (("SKU-2", 50),))}, key=key)
    wh_b = gql(
        '{ warehouses(filter: {code: "WH-B"}) { edges { node { id } } } }', key=world.tenant.key
    )
    wh_b_id = wh_b["data"]["warehouses"]["edges"][0]["node"]["id"]
    # when
    everything = gql(COUNTS, {}, key=world.tenant.key)["data"]["orderStatusCounts"]
    at_b = gql(COUNTS, {"filter": {"warehouseId": wh_b_id}}, key=world.tenant.key)["data"]
    listed_at_b = gql(
        "query($w: ID) { orders(first: 10, filter: {warehouseId: $w}) { edges { node { externalReference } } } }",
        {"w": wh_b_id},
        key=world.tenant.key,
    )["data"]["orders"]["edges"]
    other_tenant = make_order_world(database, "Other")
    theirs = gql(COUNTS, {}, key=other_tenant.tenant.key)["data"]["orderStatusCounts"]
    # then
    assert everything == [
        {"status": "ALLOCATED", "count": 2},
        {"status": "PARTIALLY_ALLOCATED", "count": 1},
    ]
    assert sum(c["count"] for c in at_b["orderStatusCounts"]) == 2
    assert sorted(e["node"]["externalReference"] for e in listed_at_b) == ["SO-2", "SO-3"]
    assert theirs == []
