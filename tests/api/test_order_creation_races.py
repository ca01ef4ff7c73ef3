"""createOrder reserves stock at the end of its transaction; stock gone by then means a retry."""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import text
from starlette.testclient import TestClient

from crossdock.app import create_app
from crossdock.database import make_engine
from domain.inventory.adjustments import AdjustmentReason, adjust
from tenants.unit_of_work import TenantUnitOfWork
from tests.api.test_order_creation_statements import CREATE
from tests.conftest import GraphQLClient, TestDatabase
from tests.factories import count_rows
from tests.factories_orders import levels_match_ledger, make_order_world, order_input

RESERVING = "UPDATE inventory_levels AS l%"


def _wait_until_reserving_waits(database: TestDatabase, pending: Future) -> None:
    # The request's reserving statement waits for the level row the test holds locked.
    engine = make_engine(database.admin_url)
    try:
        with engine.connect() as connection:
            for _ in range(600):
                waiting = connection.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                        " AND query LIKE :reserving"
                    ),
                    {"reserving": RESERVING},
                )
                if waiting:
                    return
                assert not pending.done(), pending.result()
                connection.rollback()  # the activity view is read once per transaction
                time.sleep(0.05)
    finally:
        engine.dispose()
    raise AssertionError("createOrder never waited to reserve the level")


def test_an_order_whose_stock_goes_while_it_is_made_is_made_again_on_locked_stock(
    postgres_database,
):
    # given: 10 units of SKU-1 in WH-A, and a transaction about to take all of them away
    database = postgres_database
    world = make_order_world(database)
    app = create_app(database.settings(), background=False)
    with TestClient(app) as http, ThreadPoolExecutor(max_workers=1) as pool:
        gql = GraphQLClient(http)
        key = world.tenant.clients["A"].key
        with TenantUnitOfWork(database.session_factory, world.tenant.scope) as uow:
            product, warehouse = world.products["SKU-1"], world.warehouses["WH-A"]
            adjust(uow, product, warehouse, -10, AdjustmentReason.LOST)  # holds the level
            # when: the order reads 10 units, then waits to reserve 2 until they are lost
            pending = pool.submit(
                gql, CREATE, {"input": order_input("SO-LATE", (("SKU-1", 2),))}, key=key
            )
            _wait_until_reserving_waits(database, pending)
            uow.commit()
        made = pending.result(timeout=60)["data"]["createOrder"]
    # then: made once, again on the locked level, backordered; the books add up
    assert made["userErrors"] == []
    assert made["created"] is True
    assert made["order"]["status"] == "BACKORDERED"
    assert count_rows(database, "orders") == 1
    assert count_rows(database, "fulfillment_orders") == 0
    assert levels_match_ledger(database)
