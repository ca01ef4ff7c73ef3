"""createOrder reserves stock at the end of its transaction; stock gone by then means a retry."""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy import text
from starlette.testclient import TestClient

from crossdock.app import create_app
from crossdock.database import make_engine
from domain.inventory.adjustments import AdjustmentReason, adjust
from domain.inventory.ledger import StockMoved
from domain.orders.creation import create_order
from persistence.deadlocks import is_deadlock
from tenants.unit_of_work import TenantUnitOfWork
from tests.api.test_order_creation_statements import CREATE
from tests.conftest import GraphQLClient, TestDatabase
from tests.factories import count_rows
from tests.factories_orders import (
    levels_match_ledger,
    make_order_world,
    order_command,
    order_input,
)

RESERVING = "WITH %"
"""The statement that reserves goes last, the new rows in its WITH clauses (the activity
view shows its first kilobyte only)."""


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


def test_the_same_order_sent_twice_at_once_on_both_paths_is_made_once_without_an_error(
    postgres_database,
):
    # given: a copy of SO-DUP on the locked path holds SKU-1's level (the test's transaction)
    database = postgres_database
    world = make_order_world(database)
    app = create_app(database.settings(), background=False)
    client = world.tenant.clients["A"]
    with TestClient(app) as http, ThreadPoolExecutor(max_workers=1) as pool:
        gql = GraphQLClient(http)
        uow = TenantUnitOfWork(database.session_factory, world.tenant.scope)
        with uow:
            product, warehouse = world.products["SKU-1"], world.warehouses["WH-A"]
            adjust(uow, product, warehouse, -1, AdjustmentReason.LOST)  # 9 left, level held
            # when: the API's copy takes the reference, then waits to reserve the level,
            pending = pool.submit(
                gql, CREATE, {"input": order_input("SO-DUP", (("SKU-1", 2),))}, key=client.key
            )
            _wait_until_reserving_waits(database, pending)
            # and the locked copy inserts the same reference: a lock cycle PostgreSQL breaks
            command = order_command("SO-DUP", (("SKU-1", 2),), client_id=client.id)
            stopped: StockMoved | None = None
            try:
                mine = create_order(uow, command)
                uow.commit()
            except StockMoved as error:  # the locked copy stopped: made again, it finds the order
                stopped, mine = error, None
                uow.rollback()
        answer = pending.result(timeout=60)
    assert stopped is None or is_deadlock(stopped.__cause__)
    # then: whichever copy PostgreSQL stopped, the API answers without an error, one order
    assert "errors" not in answer, answer
    made = answer["data"]["createOrder"]
    assert made["userErrors"] == []
    assert made["created"] is (mine is None)
    assert made["order"]["status"] == "ALLOCATED"
    assert count_rows(database, "orders") == 1
    assert levels_match_ledger(database)
