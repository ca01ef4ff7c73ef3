"""Numbers past the documented limits and strings no field can store: a typed refusal naming
the field, before the database sees anything, and nothing written."""

from __future__ import annotations

import json
import logging

import pytest

from tests.api.test_inventory import ADJUST, COUNT
from tests.catalog_factories import make_product, make_warehouse
from tests.factories import count_rows, global_id, make_tenant
from tests.factories_orders import order_input

LEDGER = ("inventory_movements", "inventory_levels")
RATE_CARD = """mutation($client: ID, $rate: Decimal) { createRateCard(input: {clientId: $client,
  currency: USD, effectiveFrom: "2026-06-01T00:00:00+00:00", pickPerOrder: $rate}) {
  userErrors { code field } } }"""
CHARGE = """mutation($client: ID!, $amount: Decimal!) { addManualCharge(input: {clientId: $client,
  amount: {amount: $amount, currency: USD}, reason: "a bill"}) { userErrors { code field } } }"""
CREATE_ORDER = """mutation($input: CreateOrderInput!) { createOrder(input: $input) {
  userErrors { code field } } }"""
CREATE_CLIENT = """mutation($input: CreateClientInput!) { createClient(input: $input) {
  userErrors { code field } } }"""


@pytest.fixture
def stock(database):
    """A tenant, its client A's SKU-1 and a warehouse, as GraphQL ids."""
    tenant = make_tenant(database)
    product = make_product(database, tenant, "A", "SKU-1")
    warehouse = make_warehouse(database, tenant, "WH-A")
    ids = {"p": global_id("Product", product), "w": global_id("Warehouse", warehouse)}
    return tenant, ids


def rows(database, tables) -> dict[str, int]:
    return {table: count_rows(database, table) for table in tables}


def user_errors(result: dict, field: str) -> list[dict]:
    assert "errors" not in result, result
    return result["data"][field]["userErrors"]


def test_an_adjustment_past_the_quantity_limit_is_out_of_range(database, gql, stock):
    tenant, ids = stock
    before = rows(database, LEDGER)
    result = gql(ADJUST, ids | {"q": 2_147_483_647, "r": "FOUND"}, key=tenant.key)
    assert user_errors(result, "adjustInventory") == [
        {
            "field": ["quantity"],
            "code": "OUT_OF_RANGE",
            "message": "quantity must be at most 1000000.",
        }
    ]
    assert rows(database, LEDGER) == before


def test_a_level_past_the_stock_limit_is_out_of_range(database, gql, stock):
    # given: the most one product may have in one warehouse
    tenant, ids = stock
    counted = gql(COUNT, ids | {"n": 1_000_000_000}, key=tenant.key)
    assert user_errors(counted, "recordCycleCount") == []
    before = rows(database, LEDGER)
    # when: one more unit
    result = gql(ADJUST, ids | {"q": 1, "r": "FOUND"}, key=tenant.key)
    # then
    [error] = user_errors(result, "adjustInventory")
    assert (error["field"], error["code"]) == (["quantity"], "OUT_OF_RANGE")
    assert rows(database, LEDGER) == before
    too_many = gql(COUNT, ids | {"n": 1_000_000_001}, key=tenant.key)
    assert [(e["field"], e["code"]) for e in user_errors(too_many, "recordCycleCount")] == [
        (["countedQuantity"], "OUT_OF_RANGE")
    ]


def test_an_order_line_past_the_quantity_limit_is_out_of_range(database, gql, stock):
    tenant, _ = stock
    order = order_input(lines=(("SKU-1", 1_000_001),), clientId=tenant.clients["A"].global_id)
    result = gql(CREATE_ORDER, {"input": order}, key=tenant.key)
    assert user_errors(result, "createOrder") == [
        {"code": "OUT_OF_RANGE", "field": ["lines", "0", "quantity"]}
    ]
    assert count_rows(database, "orders") == 0


@pytest.mark.parametrize("rate", ["1e999999", "1e-999999", "1000000000000", "0.00000000001", "NaN"])
def test_a_rate_card_decimal_past_the_limits_is_refused(database, gql, stock, rate):
    tenant, _ = stock
    client = tenant.clients["A"].global_id
    result = gql(RATE_CARD, {"client": client, "rate": rate}, key=tenant.key)
    if "errors" in result:  # the Decimal scalar refuses what is no number at all
        assert [e["extensions"]["code"] for e in result["errors"]] == ["BAD_USER_INPUT"]
    else:
        [error] = user_errors(result, "createRateCard")
        assert (error["field"], error["code"]) == (["pickPerOrder"], "OUT_OF_RANGE")
    assert count_rows(database, "rate_cards") == 0


def test_a_charge_amount_past_the_limits_is_out_of_range(database, gql, stock):
    tenant, _ = stock
    client = tenant.clients["A"].global_id
    result = gql(CHARGE, {"client": client, "amount": "1e999999"}, key=tenant.key)
    [error] = user_errors(result, "addManualCharge")
    assert (error["code"], error["field"][0]) == ("OUT_OF_RANGE", "amount")
    assert count_rows(database, "charges") == 0


UNWRITABLE = ["nul\x00byte", "lone \ud800 surrogate", "\udfff"]


@pytest.mark.parametrize("text", UNWRITABLE, ids=["NUL", "high surrogate", "low surrogate"])
def test_unwritable_strings_in_variables_are_refused_naming_the_path(database, app, text, caplog):
    # given
    tenant = make_tenant(database)
    before = rows(database, ("clients", "orders"))
    caplog.set_level(logging.INFO, logger="crossdock.api")
    headers = {"authorization": f"Bearer {tenant.key}", "content-type": "application/json"}
    order = order_input(clientId=tenant.clients["A"].global_id)
    order["lines"][0]["sku"] = text
    requests = [
        (CREATE_CLIENT, {"input": {"code": "NEW", "name": text}}, ["input", "name"]),
        (CREATE_ORDER, {"input": order}, ["input", "lines", 0, "sku"]),
    ]
    for query, variables, path in requests:
        # when (json.dumps escapes the surrogates, as a JavaScript client would send them)
        body = json.dumps({"query": query, "variables": variables})
        answer = app.post("/graphql", content=body, headers=headers).json()
        # then
        [error] = answer["errors"]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "path": path, "variable": "input"}
        assert answer.get("data") is None
    assert rows(database, ("clients", "orders")) == before
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_an_unwritable_string_in_a_literal_is_refused_naming_the_argument(database, gql):
    tenant = make_tenant(database)
    result = gql(
        'mutation { createClient(input: {code: "NEW", name: "a\\u0000b"}) { userErrors { code } } }',
        key=tenant.key,
    )
    [error] = result["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "path": ["input", "name"]}
    assert count_rows(database, "clients") == 2
