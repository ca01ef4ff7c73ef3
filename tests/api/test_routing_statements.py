"""What routing adds to createOrder, in SQL statements: a constant, whatever the rules."""

from __future__ import annotations

from starlette.testclient import TestClient

from crossdock.app import create_app
from tests.api.order_documents import CREATE
from tests.api.test_orders_statements import counting
from tests.api.test_routing import set_rules, source
from tests.conftest import GraphQLClient
from tests.factories_orders import make_order_world, order_input

MOST = 35
"""createOrder of two lines in two warehouses: measured 31 on SQLite and 35 on PostgreSQL, two
more than before routing (reading the client's rules, storing the decision)."""


def test_rules_cost_createorder_no_statement_more_than_the_default_rule(database):
    # given: a client with 30 rules (the last one matches) and a client with none
    world = make_order_world(database)
    app = create_app(database.settings(), background=False)
    engine = app.state.session_factory.kw["bind"]
    with TestClient(app) as http:
        gql = GraphQLClient(http)
        rules = [
            {"name": f"zone-{n}", "conditions": {"postalPrefixes": [f"Z{n}"]},
             "sources": [source(world, "WH-B"), source(world, "WH-A")]}
            for n in range(29)
        ] + [{"name": "rest", "sources": [source(world, "WH-A"), source(world, "WH-B")]}]  # fmt: skip
        key = world.tenant.clients["A"].key

        def statements(reference: str) -> int:
            with counting(engine) as seen:
                made = gql(CREATE, {"input": order_input(reference, (("SKU-1", 1), ("SKU-2", 1)))},
                           key=key)["data"]["createOrder"]  # fmt: skip
            assert made["userErrors"] == []
            assert made["order"]["status"] == "ALLOCATED"
            return len(seen)

        statements("SO-WARM")  # the key's first use records it; later requests do not
        # when
        default = statements("SO-D")
        set_rules(gql, world, rules)
        ruled = statements("SO-R")
    # then
    assert ruled == default <= MOST
