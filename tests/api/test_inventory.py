"""Stock over GraphQL: levels, movements, adjustments, counts, inbound shipments, isolation."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, event

from tests.catalog_factories import make_product, make_warehouse
from tests.factories import count_rows, dotted, global_id, make_tenant
from tests.inventory_checks import assert_levels_match_ledger

LEVEL = (
    "id onHand allocated unsellable available incoming lowStock product { sku } warehouse { code }"
)
LEVELS = """
query($warehouse: ID, $sku: String, $low: Boolean, $after: String) {
  inventoryLevels(filter: {warehouseId: $warehouse, sku: $sku, lowStock: $low}, first: 2, after: $after) {
    edges { node { %s } } pageInfo { hasNextPage endCursor }
  }
}
""".replace("%s", LEVEL)
MOVEMENTS = """
query($kind: [MovementKind!], $product: ID) {
  inventoryMovements(filter: {kind: $kind, productId: $product}) {
    edges { node { id kind onHandDelta unsellableDelta incomingDelta reason actor reference product { sku } } }
  }
}
"""
ADJUST = """
mutation($p: ID!, $w: ID!, $q: Int!, $r: AdjustmentReason!) {
  adjustInventory(input: {productId: $p, warehouseId: $w, quantity: $q, reason: $r, note: "shelf"}) {
    level { onHand unsellable available } movement { kind reason note } userErrors { field code message }
  }
}
"""
COUNT = """
mutation($p: ID!, $w: ID!, $n: Int!) {
  recordCycleCount(input: {productId: $p, warehouseId: $w, countedQuantity: $n}) {
    level { onHand } movement { kind onHandDelta } userErrors { field code message }
  }
}
"""
CREATE_ASN = """
mutation($client: ID, $w: ID!, $ref: String!, $lines: [InboundLineInput!]!) {
  createInboundShipment(input: {clientId: $client, warehouseId: $w, reference: $ref, lines: $lines}) {
    inboundShipment { id reference status client { code } lines { id expectedQuantity product { sku } } }
    userErrors { field code message }
  }
}
"""
RECEIVE = """
mutation($id: ID!, $lines: [InboundLineInput!]!) {
  receiveInboundShipment(input: {id: $id, lines: $lines}) {
    inboundShipment { status lines { receivedQuantity outstandingQuantity } } userErrors { field code message }
  }
}
"""
CLOSE = """
mutation($id: ID!) {
  closeInboundShipment(input: {id: $id}) { inboundShipment { status closedAt } userErrors { field code message } }
}
"""
ASNS = "{ inboundShipments { edges { node { reference status lines { expectedQuantity } } } } }"
NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on InventoryLevel { onHand }
    ... on InventoryMovement { kind }
    ... on InboundShipment { reference }
    ... on InboundShipmentLine { expectedQuantity }
  }
}
"""


@pytest.fixture
def world(database):
    """Northwind (A, B) and Southwind (C); a warehouse each; SKU-A of A, SKU-B of B, SKU-C of C."""
    north = make_tenant(database, "Northwind", ("A", "B"))
    south = make_tenant(database, "Southwind", ("C",))
    ids = {
        "wh": global_id("Warehouse", make_warehouse(database, north)),
        "wh_south": global_id("Warehouse", make_warehouse(database, south, "SOUTH")),
        "a": global_id("Product", make_product(database, north, "A", "SKU-A", reorder_point=5)),
        "b": global_id("Product", make_product(database, north, "B", "SKU-B")),
        "c": global_id("Product", make_product(database, south, "C", "SKU-C")),
    }
    return north, south, ids


def data(result: dict, field: str) -> dict:
    assert "errors" not in result, result
    return result["data"][field]


def announce(gql, key, ids, product="a", quantity=10, reference="ASN-1", client=None):
    lines = [{"productId": ids[product], "quantity": quantity}]
    variables = {"client": client, "w": ids["wh"], "ref": reference, "lines": lines}
    return data(gql(CREATE_ASN, variables, key=key), "createInboundShipment")


def test_inbound_flow_over_the_api(database, gql, world):
    # given
    north, _, ids = world
    a = north.clients["A"]
    created = announce(gql, a.key, ids)
    assert created["userErrors"] == []
    asn = created["inboundShipment"]
    assert (asn["status"], asn["client"], asn["lines"][0]["product"]) == (
        "OPEN",
        {"code": "A"},
        {"sku": "SKU-A"},
    )
    # when: 4 arrive, then the rest is given up
    lines = [{"productId": ids["a"], "quantity": 4}]
    received = data(
        gql(RECEIVE, {"id": asn["id"], "lines": lines}, key=north.key), "receiveInboundShipment"
    )
    closed = data(gql(CLOSE, {"id": asn["id"]}, key=north.key), "closeInboundShipment")
    late = data(
        gql(RECEIVE, {"id": asn["id"], "lines": lines}, key=north.key), "receiveInboundShipment"
    )
    # then
    assert received["inboundShipment"] == {
        "status": "RECEIVING",
        "lines": [{"receivedQuantity": 4, "outstandingQuantity": 6}],
    }
    assert closed["inboundShipment"]["status"] == "CLOSED"
    assert late["userErrors"] == [
        {
            "field": ["id"],
            "code": "ILLEGAL_TRANSITION",
            "message": "The inbound shipment is closed.",
        }
    ]
    level = data(gql(LEVELS, {}, key=a.key), "inventoryLevels")["edges"][0]["node"]
    assert (level["onHand"], level["incoming"], level["available"]) == (4, 0, 4)
    assert level["lowStock"] is True
    kinds = [
        e["node"]["kind"]
        for e in data(gql(MOVEMENTS, {}, key=a.key), "inventoryMovements")["edges"]
    ]
    assert kinds == ["EXPECTED", "RECEIPT", "EXPECTED"]
    assert_levels_match_ledger(database)


def test_clients_cannot_receive_adjust_count_or_close(database, gql, world):
    # given
    north, _, ids = world
    a = north.clients["A"]
    asn = announce(gql, a.key, ids)["inboundShipment"]
    before = count_rows(database, "inventory_movements")
    lines = [{"productId": ids["a"], "quantity": 1}]
    # when
    answers = [
        gql(RECEIVE, {"id": asn["id"], "lines": lines}, key=a.key),
        gql(CLOSE, {"id": asn["id"]}, key=a.key),
        gql(ADJUST, {"p": ids["a"], "w": ids["wh"], "q": 1, "r": "FOUND"}, key=a.key),
        gql(COUNT, {"p": ids["a"], "w": ids["wh"], "n": 1}, key=a.key),
    ]
    # then
    assert [answer["errors"][0]["extensions"]["code"] for answer in answers] == ["FORBIDDEN"] * 4
    assert count_rows(database, "inventory_movements") == before


def test_adjust_and_count_over_the_api(database, gql, world):
    # given
    north, _, ids = world
    found = {"p": ids["a"], "w": ids["wh"], "q": 10, "r": "FOUND"}
    # when
    adjusted = data(gql(ADJUST, found, key=north.key), "adjustInventory")
    damaged = data(gql(ADJUST, found | {"q": 3, "r": "DAMAGED"}, key=north.key), "adjustInventory")
    wrong_way = data(gql(ADJUST, found | {"q": 3, "r": "LOST"}, key=north.key), "adjustInventory")
    counted = data(
        gql(COUNT, {"p": ids["a"], "w": ids["wh"], "n": 12}, key=north.key), "recordCycleCount"
    )
    same = data(
        gql(COUNT, {"p": ids["a"], "w": ids["wh"], "n": 12}, key=north.key), "recordCycleCount"
    )
    # then
    assert adjusted["level"] == {"onHand": 10, "unsellable": 0, "available": 10}
    assert adjusted["movement"] == {"kind": "ADJUSTMENT", "reason": "found", "note": "shelf"}
    assert damaged["level"] == {"onHand": 10, "unsellable": 3, "available": 7}
    assert wrong_way["userErrors"][0]["field"] == ["quantity"]
    assert wrong_way["level"] is None
    assert counted["movement"] == {"kind": "COUNT", "onHandDelta": 2}
    assert same == {"level": {"onHand": 12}, "movement": None, "userErrors": []}
    assert count_rows(database, "inventory_movements") == 3
    assert_levels_match_ledger(database)


def test_levels_filter_by_warehouse_sku_and_low_stock(database, gql, world):
    # given
    north, _, ids = world
    for product, quantity in (("a", 9), ("b", 1)):
        gql(ADJUST, {"p": ids[product], "w": ids["wh"], "q": quantity, "r": "FOUND"}, key=north.key)
    other = global_id("Warehouse", make_warehouse(database, north, "HAM1"))
    gql(ADJUST, {"p": ids["a"], "w": other, "q": 2, "r": "FOUND"}, key=north.key)

    def skus(**variables):
        page = data(gql(LEVELS, variables, key=north.key), "inventoryLevels")
        return sorted(
            (e["node"]["product"]["sku"], e["node"]["warehouse"]["code"]) for e in page["edges"]
        )

    # then
    assert skus(warehouse=other) == [("SKU-A", "HAM1")]
    assert skus(sku="SKU-B") == [("SKU-B", "BER1")]
    assert skus(low=True) == [("SKU-A", "HAM1")]
    assert skus(low=False, warehouse=ids["wh"]) == [("SKU-A", "BER1"), ("SKU-B", "BER1")]
    assert skus(warehouse=ids["wh_south"]) == []


def test_a_page_of_levels_costs_a_constant_number_of_statements(database, gql, world):
    # given
    north, _, ids = world
    statements = []

    def count(*args):
        statements.append(1)

    skus = [global_id("Product", make_product(database, north, "A", f"MANY-{i}")) for i in range(6)]

    def page_cost(count: int) -> int:
        for product in skus[:count]:
            gql(ADJUST, {"p": product, "w": ids["wh"], "q": 1, "r": "FOUND"}, key=north.key)
        statements.clear()
        query = "{ inventoryLevels(first: 100) { edges { node { LEVEL } } } }".replace(
            "LEVEL", LEVEL
        )
        assert len(data(gql(query, key=north.key), "inventoryLevels")["edges"]) == count
        return len(statements)

    # then: the app's own engine runs the statements, so count on every engine
    event.listen(Engine, "before_cursor_execute", count)
    try:
        small, large = page_cost(2), page_cost(6)
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    assert 0 < small == large


def test_levels_page_with_cursors(database, gql, world):
    north, _, ids = world
    for product in ("a", "b"):
        gql(ADJUST, {"p": ids[product], "w": ids["wh"], "q": 1, "r": "FOUND"}, key=north.key)
    make_product(database, north, "A", "THIRD")
    third = data(
        gql('{ products(filter: {sku: "THIRD"}) { edges { node { id } } } }', key=north.key),
        "products",
    )
    gql(
        ADJUST,
        {"p": third["edges"][0]["node"]["id"], "w": ids["wh"], "q": 1, "r": "FOUND"},
        key=north.key,
    )
    first = data(gql(LEVELS, {}, key=north.key), "inventoryLevels")
    second = data(
        gql(LEVELS, {"after": first["pageInfo"]["endCursor"]}, key=north.key), "inventoryLevels"
    )
    assert (len(first["edges"]), first["pageInfo"]["hasNextPage"]) == (2, True)
    assert (len(second["edges"]), second["pageInfo"]["hasNextPage"]) == (1, False)


def test_asn_refusals_write_nothing(database, gql, world):
    # given
    north, _, ids = world
    a = north.clients["A"]
    announce(gql, a.key, ids, reference="TAKEN")
    before = {t: count_rows(database, t) for t in ("inbound_shipments", "inventory_movements")}
    # when
    answers = [
        announce(gql, a.key, ids, reference="TAKEN"),
        announce(gql, a.key, ids, quantity=0),
        announce(gql, a.key, ids, product="b"),
        announce(gql, a.key, ids, product="c"),
        announce(gql, north.key, ids),
    ]
    # then
    assert [(dotted(x["userErrors"][0]["field"]), x["userErrors"][0]["code"]) for x in answers] == [
        ("reference", "DUPLICATE"),
        ("lines.0.quantity", "NOT_POSITIVE"),
        ("lines.0.productId", "NOT_FOUND"),
        ("lines.0.productId", "NOT_FOUND"),
        ("clientId", "REQUIRED"),
    ]
    assert all(x["inboundShipment"] is None for x in answers)
    assert before == {t: count_rows(database, t) for t in before}


def test_client_cannot_read_or_touch_other_clients_stock(database, gql, world):
    # given: B's and C's stock, movements, ASNs
    north, south, ids = world
    b, c = north.clients["B"], south.clients["C"]
    asn_b = announce(gql, b.key, ids, product="b", reference="B-1")["inboundShipment"]
    c_ids = ids | {"wh": ids["wh_south"]}
    asn_c = announce(gql, c.key, c_ids, product="c", reference="C-1")["inboundShipment"]
    a = north.clients["A"]
    hidden = [
        asn_b["id"],
        asn_b["lines"][0]["id"],
        asn_c["id"],
        asn_c["lines"][0]["id"],
        *[
            e["node"]["id"]
            for e in data(gql(LEVELS, {}, key=north.key), "inventoryLevels")["edges"]
        ],
        *[
            e["node"]["id"]
            for e in data(gql(LEVELS, {}, key=south.key), "inventoryLevels")["edges"]
        ],
        *[
            e["node"]["id"]
            for e in data(gql(MOVEMENTS, {}, key=north.key), "inventoryMovements")["edges"]
        ],
        *[
            e["node"]["id"]
            for e in data(gql(MOVEMENTS, {}, key=south.key), "inventoryMovements")["edges"]
        ],
    ]
    assert len(hidden) == 8
    # then: by list
    assert data(gql(LEVELS, {}, key=a.key), "inventoryLevels")["edges"] == []
    assert data(gql(MOVEMENTS, {}, key=a.key), "inventoryMovements")["edges"] == []
    assert (
        data(gql(MOVEMENTS, {"product": ids["b"]}, key=a.key), "inventoryMovements")["edges"] == []
    )
    assert data(gql(ASNS, key=a.key), "inboundShipments")["edges"] == []
    # by node, exactly like a random id of the same type
    for node_id in hidden:
        answer = gql(NODE, {"id": node_id}, key=a.key)
        assert answer == {"data": {"node": None}}
    assert gql(NODE, {"id": global_id("InventoryLevel", "x.y")}, key=a.key) == {
        "data": {"node": None}
    }
    # by mutation: another client's ASN answers like an unknown one, for a provider of another tenant too
    random_asn = global_id("InboundShipment", north.provider_id)
    foreign_asn = data(gql(CLOSE, {"id": asn_c["id"]}, key=north.key), "closeInboundShipment")
    unknown = data(gql(CLOSE, {"id": random_asn}, key=north.key), "closeInboundShipment")
    assert foreign_asn == unknown
    assert foreign_asn["userErrors"][0]["code"] == "NOT_FOUND"
    foreign = {"p": ids["c"], "w": ids["wh"], "q": 1, "r": "FOUND"}
    refused = data(gql(ADJUST, foreign, key=north.key), "adjustInventory")
    assert refused["userErrors"][0] == {
        "field": ["productId"],
        "code": "NOT_FOUND",
        "message": "No such product.",
    }
    assert data(gql(ASNS, key=b.key), "inboundShipments")["edges"] == [
        {"node": {"reference": "B-1", "status": "OPEN", "lines": [{"expectedQuantity": 10}]}}
    ]


def test_owners_fetch_their_stock_nodes(database, gql, world):
    north, _, ids = world
    a = north.clients["A"]
    asn = announce(gql, a.key, ids)["inboundShipment"]
    level = data(gql(LEVELS, {}, key=a.key), "inventoryLevels")["edges"][0]["node"]
    movement = data(gql(MOVEMENTS, {}, key=a.key), "inventoryMovements")["edges"][0]["node"]
    assert movement["reference"] == asn["id"]
    for node_id, typename in (
        (asn["id"], "InboundShipment"),
        (asn["lines"][0]["id"], "InboundShipmentLine"),
        (level["id"], "InventoryLevel"),
        (movement["id"], "InventoryMovement"),
    ):
        assert gql(NODE, {"id": node_id}, key=a.key)["data"]["node"]["__typename"] == typename
