"""A page's relations are loaded with the page, and answer what the per-object loaders answer."""

from __future__ import annotations

from starlette.testclient import TestClient

from crossdock.app import create_app
from tenants.key_cache import VerifiedKeys
from tests.api.order_documents import CREATE, ORDER, ORDER_FIELDS, PLACE_HOLD
from tests.api.test_orders_statements import counting
from tests.conftest import GraphQLClient
from tests.factories_orders import make_order_world, order_input, put_stock
from tests.tenants.test_key_cache import Clock

PAGE = """
query OrdersPage($first: Int!) {
  orders(first: $first) {
    edges { node {
      id externalReference status createdAt
      client { code name }
      lines { sku quantity product { name } }
      fulfillmentOrders { status warehouse { code } }
    } }
  }
}
"""
PAGE_STATEMENTS = {"sqlite": 6, "postgresql": 7}
"""The page, then one statement per relation asked for: clients, lines, products,
fulfillment orders, warehouses; on PostgreSQL the request's transaction first sets its
tenant. The key, verified by the request before, is not read again (tenants/key_cache.py;
it would add its own transaction: a read, and on PostgreSQL a tenant setting). The same
at 5 orders as at 12 (or 50)."""
WITH_FRAGMENTS = f"""
query {{ orders(first: 50) {{ ...Page }} }}
fragment Page on OrderConnection {{ edges {{ node {{ ... on Order {{ ...Fields }} }} }} }}
fragment Fields on Order {{ {ORDER_FIELDS} }}
"""


def _world_with_orders(database, gql, count):
    world = make_order_world(database)
    for sku, warehouse in (("SKU-1", "WH-A"), ("SKU-2", "WH-B")):
        put_stock(
            database, world.tenant, "A", world.products[sku], world.warehouses[warehouse], 100
        )
    key = world.tenant.clients["A"].key
    ids = []
    for i in range(count):
        made = gql(CREATE, {"input": order_input(f"SO-{i}", (("SKU-1", 1), ("SKU-2", 2)))}, key=key)
        assert made["data"]["createOrder"]["userErrors"] == []
        ids.append(made["data"]["createOrder"]["order"]["id"])
    return world, ids


def test_the_orders_page_costs_a_fixed_number_of_statements(database, monkeypatch):
    # given: orders split over two warehouses, and verified keys remembered however slow the box
    monkeypatch.setattr("api.context.VERIFIED", VerifiedKeys(clock=Clock()))
    app = create_app(database.settings(), background=False)  # no relay in the count
    engine = app.state.session_factory.kw["bind"]
    with TestClient(app) as http:
        gql = GraphQLClient(http)
        world, _ = _world_with_orders(database, gql, 12)
        gql(PAGE, {"first": 1}, key=world.tenant.key)  # the key's last use, stamped once a while
        # when
        counts = {}
        for size in (5, 12):
            with counting(engine) as statements:
                page = gql(PAGE, {"first": size}, key=world.tenant.key)["data"]["orders"]["edges"]
            assert len(page) == size
            counts[size] = len(statements)
    # then
    expected = PAGE_STATEMENTS[database.backend]
    assert counts == {5: expected, 12: expected}
    assert {edge["node"]["client"]["code"] for edge in page} == {"A"}
    assert all(
        [line["product"]["name"] for line in edge["node"]["lines"]]
        == ["Product SKU-1", "Product SKU-2"]
        for edge in page
    )
    assert all(
        sorted(fo["warehouse"]["code"] for fo in edge["node"]["fulfillmentOrders"])
        == ["WH-A", "WH-B"]
        for edge in page
    )


def test_a_page_answers_what_each_order_fetched_alone_answers(database, gql):
    # given: orders with holds, read through fragments on the page and one by one by id
    world, ids = _world_with_orders(database, gql, 3)
    held = gql(PLACE_HOLD, {"order": ids[1], "reason": "FRAUD_RISK", "note": "check"},
               key=world.tenant.key)  # fmt: skip
    assert held["data"]["placeOrderHold"]["userErrors"] == []
    # when
    page = gql(WITH_FRAGMENTS, key=world.tenant.key)["data"]["orders"]["edges"]
    alone = {i: gql(ORDER, {"id": i}, key=world.tenant.key)["data"]["order"] for i in ids}
    # then: the looked-ahead answer is the loaders' answer, order by order
    assert len(page) == 3
    for edge in page:
        assert edge["node"] == alone[edge["node"]["id"]]
    assert [h["reason"] for h in alone[ids[1]]["holds"]] == ["FRAUD_RISK"]


def test_a_client_key_page_looks_ahead_only_into_its_own_rows(database, gql):
    # given: orders of client A; client B reads the page
    world, _ = _world_with_orders(database, gql, 2)
    # when
    theirs = gql(WITH_FRAGMENTS, key=world.tenant.clients["B"].key)["data"]["orders"]["edges"]
    own = gql(WITH_FRAGMENTS, key=world.tenant.clients["A"].key)["data"]["orders"]["edges"]
    # then
    assert theirs == []
    assert len(own) == 2
