"""What a supplier's stock report costs in SQL statements now that it routes waiting units:
a constant while nothing waits, however many other orders the database holds."""

from __future__ import annotations

from starlette.testclient import TestClient

from crossdock.app import create_app
from domain.routing import configuration
from domain.routing.configuration import RoutingConfigurations
from tests.api.order_documents import CREATE
from tests.api.test_orders_statements import counting
from tests.api.test_suppliers import REPORT
from tests.conftest import GraphQLClient
from tests.factories_orders import order_input, put_stock
from tests.supplier_factories import make_drop_ship
from tests.tenants.test_key_cache import Clock

MOST = 18
"""A report of one product with nothing waiting: measured 15 on SQLite and 18 on PostgreSQL
(16 once the client's rules and warehouses are remembered, domain/routing/configuration.py)."""


def test_a_stock_report_costs_the_same_however_many_other_orders_exist(database, monkeypatch):
    # given: the drop-ship world; WH-A stocks GADGET for orders that never wait; the client's
    # routing configuration remembered however long the orders take on a slow box
    monkeypatch.setattr(configuration, "CONFIGURATIONS", RoutingConfigurations(clock=Clock()))
    drop = make_drop_ship(database)
    put_stock(database, drop.tenant, "A", drop.product, drop.warehouse, 500)
    app = create_app(database.settings(), background=False)
    engine = app.state.session_factory.kw["bind"]
    report = {"input": {"lines": [{"supplierSku": "AC-77", "available": 9}]}}
    with TestClient(app) as http:
        gql = GraphQLClient(http)

        def statements() -> int:
            with counting(engine) as seen:
                answer = gql(REPORT, report, key=drop.acme_key)["data"]["reportSupplierStock"]
            assert answer["userErrors"] == []
            return len(seen)

        statements()  # the key's first use records it; later requests do not
        # when
        alone = statements()
        client = drop.tenant.clients["A"].key
        for n in range(20):
            made = gql(CREATE, {"input": order_input(f"SO-{n}", (("GADGET", 1),))}, key=client)
            assert made["data"]["createOrder"]["order"]["status"] == "ALLOCATED"
        crowded = statements()
    # then
    assert crowded == alone <= MOST, (alone, crowded)
