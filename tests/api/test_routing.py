"""Routing over GraphQL: rules saved and refused, the dry run, decisions stored on orders,
merchant locations."""

from __future__ import annotations

import copy

import pytest

from tests.api.order_documents import CREATE
from tests.api.test_inventory import ADJUST
from tests.factories import count_rows, dotted, global_id
from tests.factories_orders import (
    levels_match_ledger,
    make_order_world,
    make_warehouse,
    order_input,
    put_stock,
)

ERRORS = "userErrors { field code message }"
SET_RULES = f"""
mutation($input: SetRoutingRulesInput!) {{
  setRoutingRules(input: $input) {{
    ruleSet {{ version rules {{ position name sources {{ kind code }} whenShort }} }} {ERRORS}
  }}
}}
"""
EXPLANATION = """
  ruleSetVersion rulePosition ruleName ruleReason skippedRules { position name reason }
  lines { lineNumber sku quantity assignedQuantity backorderedQuantity note
          candidates { source { kind code } availableQuantity assignedQuantity verdict chosen } }
"""
EXPLAIN = f"""
query($input: CreateOrderInput!) {{
  explainRouting(input: $input) {{ explanation {{ {EXPLANATION} }} {ERRORS} }}
}}
"""
DECISIONS = f"""
query($id: ID!) {{
  order(id: $id) {{
    tags
    routingDecisions {{ kind actor reason explanation {{ {EXPLANATION} }} }}
  }}
}}
"""
RULES = """
query($client: ID, $version: Int) {
  routingRules(clientId: $client, version: $version) { version rules { name } }
}
"""
CREATE_LOCATION = f"""
mutation($input: CreateMerchantLocationInput!) {{
  createMerchantLocation(input: $input) {{ warehouse {{ id kind code client {{ code }} }} {ERRORS} }}
}}
"""
WAREHOUSES = "{ warehouses { edges { node { code kind } } } }"


@pytest.fixture
def world(database):
    return make_order_world(database)


def set_rules(gql, world, rules, client="A", key=None):
    variables = {"input": {"clientId": world.tenant.clients[client].global_id, "rules": rules}}
    return gql(SET_RULES, variables, key=key or world.tenant.key)["data"]["setRoutingRules"]


def source(world, code):
    return {"warehouseId": global_id("Warehouse", world.warehouses[code])}


def test_saving_rules_makes_a_new_version_each_time(gql, world):
    # when
    first = set_rules(gql, world, [{"name": "gb", "sources": [source(world, "WH-B")],
                                   "conditions": {"countries": ["GB"]}}])  # fmt: skip
    second = set_rules(gql, world, [{"name": "all", "sources": [source(world, "WH-A")]}])
    # then
    assert first["userErrors"] == second["userErrors"] == []
    assert first["ruleSet"]["version"] == 1
    assert second["ruleSet"] == {
        "version": 2,
        "rules": [
            {
                "position": 0,
                "name": "all",
                "sources": [{"kind": "WAREHOUSE", "code": "WH-A"}],
                "whenShort": "BACKORDER",
            }
        ],
    }
    client_a = world.tenant.clients["A"]
    latest = gql(RULES, {}, key=client_a.key)["data"]["routingRules"]
    older = gql(RULES, {"client": client_a.global_id, "version": 1}, key=world.tenant.key)
    assert latest == {"version": 2, "rules": [{"name": "all"}]}
    assert older["data"]["routingRules"] == {"version": 1, "rules": [{"name": "gb"}]}
    # another client sees no rules of A's
    other = gql(RULES, {"client": client_a.global_id}, key=world.tenant.clients["B"].key)
    assert other["data"]["routingRules"] is None


@pytest.mark.parametrize(
    ("rules", "field", "code"),
    [
        ([{"name": " ", "sources": ["WH-A"]}], "rules.0.name", "REQUIRED"),
        ([{"name": "x", "sources": [{}]}], "rules.0.sources.0", "INVALID"),
        ([{"name": "x"}], "rules.0.sources", "REQUIRED"),
        ([{"name": "x", "sources": ["WH-A", "WH-A"]}], "rules.0.sources.1", "DUPLICATE"),
        ([{"name": "x", "sources": ["WH-A"], "allowSplit": False, "preferComplete": False}],
         "rules.0.preferComplete", "INVALID"),
        ([{"name": "x", "sources": ["WH-A"], "conditions": {"countries": ["Germany"]}}],
         "rules.0.conditions.countries.0", "INVALID"),
        ([{"name": "x", "sources": ["WH-A"], "conditions": {"skus": ["SKU-1", "NOPE"]}}],
         "rules.0.conditions.skus.1", "NOT_FOUND"),
        ([{"name": "x", "sources": ["WH-A"], "conditions": {"skus": ["SKU-B"]}}],
         "rules.0.conditions.skus.0", "NOT_FOUND"),
        ([{"name": "x", "sources": ["WH-A"], "conditions": {
            "minOrderValue": {"amount": "50", "currency": "EUR"},
            "maxOrderValue": {"amount": "10", "currency": "EUR"}}}],
         "rules.0.conditions.maxOrderValue.amount", "INVALID"),
        ([{"name": "all", "sources": ["WH-A"]}, {"name": "later", "sources": ["WH-B"]}],
         "rules.1", "INVALID"),
        ([{"name": "x", "sources": ["WH-A"], "conditions": {"countries": ["DE"]}},
          {"name": "x", "sources": ["WH-B"]}], "rules.1.name", "DUPLICATE"),
        ([{"name": "x", "sources": ["B-SHOP"]}], "rules.0.sources.0.warehouseId", "NOT_FOUND"),
        ([{"name": "x", "sources": ["OLD"]}], "rules.0.sources.0.warehouseId", "ARCHIVED"),
    ],
)  # fmt: skip
def test_bad_rules_are_refused_with_their_field_path_and_nothing_is_written(
    database, gql, world, rules, field, code
):
    # given: B's own location, and an archived warehouse
    b_shop = gql(
        CREATE_LOCATION,
        {"input": location_input("B-SHOP") | {"clientId": world.tenant.clients["B"].global_id}},
        key=world.tenant.key,
    )["data"]["createMerchantLocation"]["warehouse"]["id"]
    old = global_id("Warehouse", make_warehouse(database, world.tenant, "OLD", archived=True))
    names = {code: source(world, code)["warehouseId"] for code in ("WH-A", "WH-B")}
    names |= {"B-SHOP": b_shop, "OLD": old}
    rules = copy.deepcopy(rules)
    for rule in rules:
        rule["sources"] = [
            {"warehouseId": names[s]} if isinstance(s, str) else s for s in rule.get("sources", [])
        ]
        if not rule["sources"]:
            del rule["sources"]
    # when
    result = set_rules(gql, world, rules)
    # then
    assert result["ruleSet"] is None
    [error] = result["userErrors"]
    assert (dotted(error["field"]), error["code"]) == (field, code)
    assert count_rows(database, "routing_rule_sets") == 0


def test_only_the_provider_sets_rules(gql, world):
    client_a = world.tenant.clients["A"]
    result = gql(
        SET_RULES,
        {"input": {"clientId": client_a.global_id, "rules": []}},
        key=client_a.key,
    )
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def location_input(code: str) -> dict:
    return {
        "code": code,
        "name": f"Shop {code}",
        "address": {
            "line1": "1 High St",
            "city": "Leeds",
            "postalCode": "LS1 1AA",
            "country": "GB",
        },
        "timezone": "Europe/London",
    }


def test_a_client_adds_its_own_location_that_other_clients_never_see(gql, world):
    # when
    made = gql(
        CREATE_LOCATION, {"input": location_input("A-SHOP")}, key=world.tenant.clients["A"].key
    )
    # then
    location = made["data"]["createMerchantLocation"]
    assert location["userErrors"] == []
    assert location["warehouse"]["kind"] == "MERCHANT_LOCATION"
    assert location["warehouse"]["client"] == {"code": "A"}

    def seen(key):
        edges = gql(WAREHOUSES, key=key)["data"]["warehouses"]["edges"]
        return sorted((e["node"]["code"], e["node"]["kind"]) for e in edges)

    provider = [("WH-A", "WAREHOUSE"), ("WH-B", "WAREHOUSE")]
    assert seen(world.tenant.clients["A"].key) == sorted(
        [*provider, ("A-SHOP", "MERCHANT_LOCATION")]
    )
    assert seen(world.tenant.clients["B"].key) == provider
    assert seen(world.tenant.key) == sorted([*provider, ("A-SHOP", "MERCHANT_LOCATION")])
    # a taken code is refused, even when the caller cannot see who holds it
    again = gql(
        CREATE_LOCATION, {"input": location_input("A-SHOP")}, key=world.tenant.clients["B"].key
    )
    assert again["data"]["createMerchantLocation"]["userErrors"][0]["code"] == "DUPLICATE"


def test_explain_then_create_decides_the_same_and_the_decision_is_stored(database, gql, world):
    # given: GB orders go to WH-B first, then WH-A; WH-B holds 1 of SKU-1
    put_stock(database, world.tenant, "A", world.products["SKU-1"], world.warehouses["WH-B"], 1)
    set_rules(gql, world, [
        {"name": "domestic", "conditions": {"countries": ["FR"]}, "sources": [source(world, "WH-A")]},
        {"name": "gb", "conditions": {"countries": ["GB"]},
         "sources": [source(world, "WH-B"), source(world, "WH-A")]},
    ])  # fmt: skip
    draft = order_input("SO-9", (("SKU-1", 3),), tags=["vip"])
    key = world.tenant.clients["A"].key
    before = {t: count_rows(database, t) for t in ("orders", "routing_decisions", "outbox_events")}
    # when
    explained = gql(EXPLAIN, {"input": draft}, key=key)["data"]["explainRouting"]
    # then: the dry run wrote nothing
    assert before == {t: count_rows(database, t) for t in before}
    explanation = explained["explanation"]
    assert (explanation["ruleName"], explanation["rulePosition"]) == ("gb", 1)
    assert explanation["skippedRules"] == [
        {"position": 0, "name": "domestic", "reason": "country GB is not in [FR]"}
    ]
    [line] = explanation["lines"]
    assert [
        (c["source"]["code"], c["availableQuantity"], c["assignedQuantity"], c["verdict"])
        for c in line["candidates"]
    ] == [("WH-B", 1, 0, "CANNOT_COMPLETE"), ("WH-A", 10, 3, "COMPLETE")]
    # when: the same draft is created
    made = gql(CREATE, {"input": draft}, key=key)["data"]["createOrder"]
    # then: the same assignment, and the decision is on the order
    fulfillment = made["order"]["fulfillmentOrders"]
    assert [(fo["warehouse"]["code"], fo["lines"][0]["quantity"]) for fo in fulfillment] == [
        ("WH-A", 3)
    ]
    stored = gql(DECISIONS, {"id": made["order"]["id"]}, key=key)["data"]["order"]
    assert stored["tags"] == ["vip"]
    [decision] = stored["routingDecisions"]
    assert (decision["kind"], decision["reason"]) == ("CREATION", None)
    assert decision["actor"].startswith("key:")
    assert decision["explanation"] == explanation
    assert levels_match_ledger(database)


def test_explain_refuses_a_bad_draft_like_create_would(gql, world):
    draft = order_input("SO-1", (("NOPE", 1),))
    result = gql(EXPLAIN, {"input": draft}, key=world.tenant.clients["A"].key)
    answer = result["data"]["explainRouting"]
    assert answer["explanation"] is None
    assert [(dotted(e["field"]), e["code"]) for e in answer["userErrors"]] == [
        ("lines.0.sku", "NOT_FOUND")
    ]


def test_stock_arriving_reroutes_by_the_rules_and_records_the_reroute(database, gql, world):
    # given: A's rule sends everything to its shop; the shop has nothing yet
    key = world.tenant.clients["A"].key
    shop = gql(CREATE_LOCATION, {"input": location_input("A-SHOP")}, key=key)["data"][
        "createMerchantLocation"
    ]["warehouse"]["id"]
    set_rules(gql, world, [{"name": "shop", "sources": [{"warehouseId": shop}]}])
    made = gql(CREATE, {"input": order_input("SO-5", (("SKU-1", 2),))}, key=key)["data"][
        "createOrder"
    ]
    assert made["order"]["status"] == "BACKORDERED"
    # when: the shop counts 5 units
    product = global_id("Product", world.products["SKU-1"])
    adjusted = gql(ADJUST, {"p": product, "w": shop, "q": 5, "r": "FOUND"}, key=world.tenant.key)
    assert adjusted["data"]["adjustInventory"]["userErrors"] == []
    # then
    stored = gql(DECISIONS, {"id": made["order"]["id"]}, key=key)["data"]["order"]
    kinds = [d["kind"] for d in stored["routingDecisions"]]
    assert kinds == ["CREATION", "REROUTE"]
    [line] = stored["routingDecisions"][1]["explanation"]["lines"]
    assert (line["assignedQuantity"], line["candidates"][0]["source"]["code"]) == (2, "A-SHOP")
    assert levels_match_ledger(database)


def test_stock_of_one_client_never_goes_into_another_clients_location(database, gql, world):
    # given: A's own shop
    shop = gql(CREATE_LOCATION, {"input": location_input("A-SHOP")},
               key=world.tenant.clients["A"].key)["data"]["createMerchantLocation"]  # fmt: skip
    product_b = global_id("Product", world.products["SKU-B"])
    # when: the provider books B's product into A's shop
    answer = gql(ADJUST, {"p": product_b, "w": shop["warehouse"]["id"], "q": 5, "r": "FOUND"},
                 key=world.tenant.key)["data"]["adjustInventory"]  # fmt: skip
    # then
    assert [(dotted(e["field"]), e["code"]) for e in answer["userErrors"]] == [
        ("warehouseId", "NOT_FOUND")
    ]
    assert levels_match_ledger(database)
