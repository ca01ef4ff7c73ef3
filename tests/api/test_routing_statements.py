"""What routing adds to createOrder, in SQL statements: a constant, whatever the rules."""

from __future__ import annotations

from starlette.testclient import TestClient

from crossdock.app import create_app
from domain.routing import configuration
from domain.routing.configuration import RoutingConfigurations
from tests.api.order_documents import CREATE
from tests.api.test_orders_statements import counting
from tests.api.test_routing import set_rules, source
from tests.conftest import GraphQLClient
from tests.factories_orders import make_order_world, order_input, put_stock
from tests.tenants.test_key_cache import Clock

MOST = 35
"""createOrder of two lines in two warehouses: measured 31 on SQLite and 35 on PostgreSQL, two
more than before routing (reading the client's rules, storing the decision)."""


def test_rules_cost_createorder_no_statement_more_than_the_default_rule(database, monkeypatch):
    # given: a client with 30 rules (the last one matches) and a client with none; the
    # client's configuration remembered however slow the box (domain/routing/configuration.py)
    monkeypatch.setattr(configuration, "CONFIGURATIONS", RoutingConfigurations(clock=Clock()))
    world = make_order_world(database)
    put_stock(database, world.tenant, "A", world.products["SKU-2"], world.warehouses["WH-B"], 5)
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
        first = statements("SO-R1")  # the new rules and the warehouses are read again
        ruled = statements("SO-R")
    # then
    assert ruled == default <= MOST
    assert first == default + 2
