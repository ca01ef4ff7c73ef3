"""Ids generated from the schema: every argument that takes one, malformed, of the wrong type,
or another tenant's. Never an internal error; a foreign id answers like an unknown one."""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import text

from api.schema import build_schema
from crossdock.database import make_engine
from tests.api.hostile.schema_inputs import IdArgument, id_arguments, request_for
from tests.factories import count_rows, global_id, make_tenant
from tests.factories_orders import make_order_world, order_command, place_order

SCHEMA = build_schema(max_query_depth=12)._schema
PLACES = id_arguments(SCHEMA)
MALFORMED = ["garbage", "", 5, "Q2xpZW50"]
"""Not base64, empty, a number, and base64 without a type ("Client")."""
WRONG_JSON = [{"id": "x"}, True, 1.5]
TABLES = ("clients", "products", "orders", "api_keys", "webhook_endpoints", "carrier_accounts")


def test_the_schema_takes_ids_in_many_places():
    # the walk below is only as good as what it finds
    assert len(PLACES) > 40
    assert {p.root for p in PLACES} == {"Query", "Mutation"}


@pytest.fixture
def world(database):
    """Our tenant (client A, the caller) and a foreign tenant with rows of several types."""
    ours = make_tenant(database, "Ours")
    foreign = make_order_world(database, "Foreign")
    command = replace(
        order_command("SO-F", (("SKU-1", 1),)), client_id=foreign.tenant.clients["A"].id
    )
    order = place_order(database, foreign.tenant.scope, command)
    foreign_ids = {
        "Client": foreign.tenant.clients["A"].id,
        "Product": foreign.products["SKU-1"],
        "Warehouse": foreign.warehouses["WH-A"],
        "Order": order.order.id,
        "provider": foreign.tenant.provider_id,
    }
    return ours, foreign_ids


def answers(gql, key, place: IdArgument, value) -> dict:
    document, variables = request_for(SCHEMA, place, value)
    result = gql(document, variables, key=key)
    codes = [e.get("extensions", {}).get("code") for e in result.get("errors", [])]
    assert "INTERNAL_ERROR" not in codes, (str(place), value, result)
    return result


def test_malformed_ids_are_refused_as_invalid_everywhere(database, gql, world, caplog):
    ours, _ = world
    before = {table: count_rows(database, table) for table in TABLES}
    caplog.set_level(logging.INFO, logger="crossdock.api")
    for place in PLACES:
        for value in MALFORMED:
            result = answers(gql, ours.key, place, value)
            if place.root == "Mutation":
                [error] = result["data"][place.field]["userErrors"]
                assert error["code"] == "INVALID_ID", (str(place), value, result)
                inside_input = place.path[1:] if place.path[0] == "input" else place.path
                expected = ["0" if step == "[]" else step for step in inside_input]
                assert error["field"] == expected, (str(place), result)
            else:
                codes = [e["extensions"]["code"] for e in result["errors"]]
                assert codes == ["INVALID_ID"], (str(place), value, result)
    assert {table: count_rows(database, table) for table in TABLES} == before
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_ids_of_the_wrong_json_type_are_bad_user_input(database, gql, world):
    ours, _ = world
    for place in PLACES:
        for value in WRONG_JSON:
            result = answers(gql, ours.key, place, value)
            codes = {e["extensions"]["code"] for e in result["errors"]}
            assert codes == {"BAD_USER_INPUT"}, (str(place), value, result)


def test_ids_of_another_type_are_refused_in_mutations_and_match_nothing_in_queries(
    database, gql, world
):
    ours, _ = world
    not_a_node = global_id("Nothing", uuid.uuid4())
    for place in PLACES:
        result = answers(gql, ours.key, place, not_a_node)
        if place.root == "Mutation":
            # refused: as an invalid id, or for another input checked first, never "not found"
            codes = {e["code"] for e in result["data"][place.field]["userErrors"]}
            assert codes, (str(place), result)
            assert "NOT_FOUND" not in codes, (str(place), result)


def rows_of(database, provider_id: uuid.UUID) -> dict[str, list[tuple]]:
    """Every row a provider owns in TABLES, as the owner reads them."""
    engine = make_engine(database.admin_url)
    try:
        with engine.connect() as connection:
            return {
                table: [
                    tuple(row)
                    for row in connection.execute(
                        text(f"SELECT * FROM {table} WHERE provider_id = :p ORDER BY id"),
                        {"p": provider_id if database.backend == "postgresql" else provider_id.hex},
                    )
                ]
                for table in TABLES
            }
    finally:
        engine.dispose()


def test_a_foreign_id_answers_exactly_like_an_unknown_one(database, gql, world):
    ours, foreign = world
    foreign_provider = foreign.pop("provider")
    before = rows_of(database, foreign_provider)
    for place in PLACES:
        for type_name, row_id in foreign.items():
            theirs = answers(gql, ours.key, place, global_id(type_name, row_id))
            unknown = answers(gql, ours.key, place, global_id(type_name, uuid.uuid4()))
            assert theirs == unknown, (str(place), type_name, theirs, unknown)
    # and nothing of theirs changed
    assert rows_of(database, foreign_provider) == before
    assert all(before[table] for table in ("clients", "products", "orders"))
