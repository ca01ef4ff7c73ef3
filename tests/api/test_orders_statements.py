"""A page of orders with their children costs the same number of SQL statements at any size."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event
from starlette.testclient import TestClient

from crossdock.app import create_app
from tests.api.order_documents import CREATE
from tests.conftest import GraphQLClient
from tests.factories_orders import make_order_world, order_input, put_stock

PAGE = """
query($first: Int) {
  orders(first: $first) {
    edges { node {
      externalReference status client { code }
      lines { sku quantity product { sku name } }
      fulfillmentOrders { status warehouse { code } lines { quantity product { sku } } }
      holds { reason }
    } }
  }
}
"""
MOST = 14
"""Measured 11 on both databases: authentication, transaction setup, the page, one per relation."""


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        # Transaction control is not a query (SQLite opens one per read: BEGIN IMMEDIATE),
        # and the in-process outbox relay polls on the same engine, outside the request.
        if not statement.startswith("BEGIN") and "outbox_events" not in statement:
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_a_page_of_50_orders_costs_what_a_page_of_5_does(database):
    # given: 50 orders, each split over two warehouses
    world = make_order_world(database)
    for sku, warehouse in (("SKU-1", "WH-A"), ("SKU-2", "WH-B")):
        put_stock(
            database, world.tenant, "A", world.products[sku], world.warehouses[warehouse], 100
        )
    app = create_app(database.settings(), background=False)  # no relay in the count
    engine = app.state.session_factory.kw["bind"]
    with TestClient(app) as http:
        gql = GraphQLClient(http)
        key = world.tenant.clients["A"].key
        for i in range(50):
            made = gql(
                CREATE,
                {"input": order_input(f"SO-{i}", (("SKU-1", 1), ("SKU-2", 1)))},
                key=key,
            )
            assert made["data"]["createOrder"]["userErrors"] == []
        # when
        counts = {}
        for size in (5, 50):
            with counting(engine) as statements:
                page = gql(PAGE, {"first": size}, key=key)["data"]["orders"]["edges"]
            assert len(page) == size
            assert all(edge["node"]["lines"][0]["product"]["sku"] == "SKU-1" for edge in page)
            assert all(len(edge["node"]["fulfillmentOrders"]) == 2 for edge in page)
            counts[size] = len(statements)
    # then
    assert counts[5] == counts[50]
    assert counts[50] <= MOST, counts
