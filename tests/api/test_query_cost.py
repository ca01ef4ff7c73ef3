"""Each operation's static cost: computed from the document, reported, and capped."""

from __future__ import annotations

import dataclasses

import pytest
from graphql import get_introspection_query, parse
from sqlalchemy import event
from starlette.testclient import TestClient

from api.limits.cost import LIST_SIZE, MUTATION_COST, operation_cost
from api.schema import build_schema
from crossdock.app import create_app
from tests.conftest import GraphQLClient
from tests.factories import make_tenant

SCHEMA = build_schema(max_query_depth=12)
"""The process's schema: the app asks for it the same way, so it is built once."""
ORDERS_WITH_LINES = "{ orders(first: 50) { edges { node { lines { product { sku } } } } } }"


def cost(query: str, variables: dict | None = None, operation: str | None = None) -> int:
    return operation_cost(SCHEMA._schema, parse(query), variables, operation)


# --- the estimate -----------------------------------------------------------------------


def test_a_page_multiplies_its_nodes_and_a_plain_list_multiplies_by_list_size():
    # orders 1 + 50 pages x (edges 1 + node 1 + lines (1 + LIST_SIZE x product 1))
    assert cost(ORDERS_WITH_LINES) == 1 + 50 * (1 + 1 + 1 + LIST_SIZE * 1) == 401


def test_scalars_cost_nothing_but_an_operation_costs_at_least_one():
    assert cost("{ viewer { kind scopes keyPrefix } }") == 1
    assert cost("{ __typename }") == 1


def test_a_connection_without_first_is_a_default_page_of_twenty():
    assert cost("{ orders { edges { node { id } } } }") == 1 + 20 * 2


def test_first_is_read_from_variables_and_their_defaults_and_capped_at_the_maximum_page():
    query = "query($n: Int = 5) { orders(first: $n) { edges { node { id } } } }"
    assert cost(query) == 1 + 5 * 2
    assert cost(query, {"n": 30}) == 1 + 30 * 2
    assert cost(query, {"n": None}) == 1 + 20 * 2
    assert cost("{ orders(first: 100000) { edges { node { id } } } }") == 1 + 100 * 2


def test_fragments_cost_what_they_select_where_they_are_spread():
    with_fragments = """
        query Page { orders(first: 50) { ...Edges } }
        fragment Edges on OrderConnection { edges { node { ... on Order { ...Lines } } } }
        fragment Lines on Order { lines { product { sku } } }
    """
    assert cost(with_fragments, operation="Page") == cost(ORDERS_WITH_LINES)


def test_the_named_operation_is_the_one_priced():
    document = "query Small { viewer { kind } } query Big { orders { edges { node { id } } } }"
    assert cost(document, operation="Small") == 1
    assert cost(document, operation="Big") == 41


def test_a_mutation_field_costs_more_than_its_payload():
    mutation = """mutation { createClient(input: {code: "X", name: "X"}) {
        client { id } userErrors { code } } }"""
    assert cost(mutation) == MUTATION_COST + 1 + 1 + 1


def test_introspection_is_cheap():
    assert cost(get_introspection_query()) == 1


# --- over HTTP --------------------------------------------------------------------------


@pytest.fixture
def capped(database):
    """The app with a cost cap of 100 points, and a list collecting the SQL it runs."""
    settings = dataclasses.replace(database.settings(), max_query_cost=100)
    app = create_app(settings, background=False)
    statements: list[str] = []
    engine = app.state.session_factory.kw["bind"]
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    with TestClient(app) as client:
        yield GraphQLClient(client, extensions=True), statements


def test_the_cost_is_reported_in_extensions(database, app):
    tenant = make_tenant(database)
    result = GraphQLClient(app, extensions=True)(
        "{ orders { edges { node { id } } } }", key=tenant.key
    )
    assert result["data"]["orders"] == {"edges": []}
    assert result["extensions"]["cost"] == {
        "requested": 41,
        "remaining": 60000 - 41,
        "limit": 60000,
        "resetsIn": 1,
    }


def test_an_over_cost_query_is_refused_before_any_sql_of_its_own_runs(database, capped):
    # given
    gql, statements = capped
    tenant = make_tenant(database)
    # when
    result = gql(ORDERS_WITH_LINES, key=tenant.key)
    # then
    assert result["data"] is None
    [error] = result["errors"]
    assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": 401, "maximum": 100}
    assert result["extensions"]["cost"] == {"requested": 401}
    # the key was looked up (authentication comes first), and nothing else was read
    assert any("api_keys" in statement for statement in statements)
    assert not any("orders" in statement for statement in statements), statements


def test_an_over_cost_mutation_writes_nothing(database, capped):
    # given
    gql, _ = capped
    tenant = make_tenant(database)
    many = " ".join(
        f'c{n}: createClient(input: {{code: "X{n}", name: "X"}}) {{ client {{ id }} }}'
        for n in range(10)
    )
    # when
    result = gql(f"mutation {{ {many} }}", key=tenant.key)
    # then
    assert result["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    clients = gql("{ clients(first: 10) { edges { node { code } } } }", key=tenant.key)
    assert {e["node"]["code"] for e in clients["data"]["clients"]["edges"]} == {"A", "B"}


def test_a_query_within_the_cap_runs(database, capped):
    gql, statements = capped
    tenant = make_tenant(database)
    result = gql("{ viewer { kind } }", key=tenant.key)
    assert result["data"] == {"viewer": {"kind": "PROVIDER"}}
    assert statements
