"""insert_new_rows: a session's new rows as one Core INSERT per table, parents first, and
the step sent last with them."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError

from domain.orders.creation import _new_order
from domain.orders.models import (
    FulfillmentOrderLine,
    HoldReason,
    Order,
    OrderHold,
    OrderLine,
    OrderStatus,
)
from persistence.base import new_id
from persistence.new_rows import LastStep, insert_new_rows, send_last, waiting
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories_orders import OrderWorld, make_order_world, order_command
from tests.sql_statements import every_statement, inserted_tables


def test_new_rows_go_in_one_insert_per_table_parents_first_with_their_defaults(database):
    # given: an order's two lines and a hold staged before the order they belong to
    world = make_order_world(database)
    client = world.tenant.clients["A"]
    scope = world.tenant.scope
    command = order_command("SO-NEW", client_id=client.id)
    order = Order(**_new_order(scope, command, command.content_hash(), OrderStatus.ON_HOLD))
    lines = [
        OrderLine(
            provider_id=order.provider_id,
            id=new_id(),
            client_id=client.id,
            order_id=order.id,
            line_number=number,
            product_id=world.products["SKU-1"],
            sku="SKU-1",
            quantity=number,
            allocated_quantity=0,
        )
        for number in (1, 2)
    ]
    hold = OrderHold(
        provider_id=order.provider_id,
        client_id=client.id,
        order_id=order.id,
        reason=HoldReason.CLIENT_REQUEST,
        placed_by="test",
    )  # no id and no placed_at: their defaults
    with TenantUnitOfWork(database.session_factory, scope) as uow:
        uow.add_all([*lines, hold, order])
        engine = uow.session.get_bind()
        # when
        with every_statement(engine) as statements:
            insert_new_rows(uow.session)  # no flush: the rows are sent without one
        # then: orders before its children, one INSERT each (on PostgreSQL, all three in
        # one statement), the objects let go
        sent = [s for s in statements if not s.startswith("SELECT set_config")]
        assert inserted_tables(sent) == ["orders", "order_holds", "order_lines"]
        assert len(sent) == (1 if database.backend == "postgresql" else 3)
        assert all(s.startswith(("INSERT", "WITH")) for s in sent)
        assert not uow.session.new
        assert order not in uow.session
        uow.commit()
    with TenantUnitOfWork(database.session_factory, scope) as uow:
        stored = uow.scalars(select(OrderLine.quantity).order_by(OrderLine.line_number)).all()
        held = uow.execute(select(OrderHold.id, OrderHold.placed_at)).one()
    assert stored == [1, 2]
    assert held.id is not None
    assert held.placed_at is not None


def test_a_row_with_a_relationship_set_is_left_to_the_flush(database):
    # given: a hold, and a fulfillment line whose order line is set as an object (None here)
    world = make_order_world(database)
    scope = world.tenant.scope
    client = world.tenant.clients["A"]
    command = order_command("SO-REL", client_id=client.id)
    order = Order(**_new_order(scope, command, command.content_hash(), OrderStatus.ON_HOLD))
    with TenantUnitOfWork(database.session_factory, scope) as uow:
        uow.add(order)
        uow.flush()
        hold = OrderHold(
            provider_id=order.provider_id,
            client_id=client.id,
            order_id=order.id,
            reason=HoldReason.CLIENT_REQUEST,
            placed_by="test",
        )
        related = FulfillmentOrderLine(provider_id=order.provider_id, id=new_id(), quantity=1)
        related.order_line = None  # type: ignore[assignment]
        uow.add_all([hold, related])
        # when
        insert_new_rows(uow.session)
        # then: the plain row went in; the other still waits for the ORM's flush
        assert hold not in uow.session
        assert related in uow.session.new
        with uow.session.no_autoflush:
            assert len(uow.scalars(select(OrderHold.id)).all()) == 1


def test_a_row_whose_parent_is_missing_is_refused_by_its_foreign_key(database):
    # given: an order line of an order that was never inserted
    world = make_order_world(database)
    client = world.tenant.clients["A"]
    line = OrderLine(
        provider_id=world.tenant.scope.provider_id,
        id=new_id(),
        client_id=client.id,
        order_id=new_id(),
        line_number=1,
        product_id=world.products["SKU-1"],
        sku="SKU-1",
        quantity=1,
        allocated_quantity=0,
    )
    hold_order = Order(
        **_new_order(
            world.tenant.scope,
            order_command("SO-FK", client_id=client.id),
            "digest",
            OrderStatus.ON_HOLD,
        )
    )
    with TenantUnitOfWork(database.session_factory, world.tenant.scope) as uow:
        uow.add_all([hold_order, line])
        # when / then: joined into one statement on PostgreSQL, the key is still checked
        with pytest.raises(IntegrityError):
            insert_new_rows(uow.session)
    with TenantUnitOfWork(database.session_factory, world.tenant.scope) as uow:
        assert uow.scalars(select(Order.id).where(Order.id == hold_order.id)).all() == []


def _held_order(world: OrderWorld, reference: str) -> Order:
    command = order_command(reference, client_id=world.tenant.clients["A"].id)
    return Order(
        **_new_order(world.tenant.scope, command, command.content_hash(), OrderStatus.ON_HOLD)
    )


def _counting_step(seen: list[list[Any]], failed: Any = lambda error: None) -> LastStep:
    # The step counts the orders of the statement it joined (they are in its snapshot's
    # WITH clauses, not its table: it sees the rows as they were before the statement).
    return LastStep(
        "counted AS (SELECT count(*) AS n FROM orders WHERE external_reference = %s)",
        "SELECT n FROM counted",
        ("SO-LAST",),
        lambda rows: seen.append(rows),
        failed,
    )


def test_a_step_sent_last_joins_the_new_rows_statement_at_the_commit(postgres_database):
    # given: an order staged, and a step waiting to go last
    world = make_order_world(postgres_database)
    order = _held_order(world, "SO-LAST")
    seen: list[list[Any]] = []
    with TenantUnitOfWork(postgres_database.session_factory, world.tenant.scope) as uow:
        uow.add(order)
        send_last(uow.session, _counting_step(seen))
        assert waiting(uow.session)
        engine = uow.session.get_bind()
        # when: the unit commits, with no flush of its own
        with every_statement(engine) as statements:
            uow.commit()
        assert not waiting(uow.session)
    # then: one statement sent both, the step's rows handed to it, the order kept
    sent = [s for s in statements if not s.startswith("SELECT set_config")]
    assert len(sent) == 1, sent
    assert sent[0].startswith("WITH new_0 AS (INSERT INTO orders")
    assert sent[0].endswith("SELECT n FROM counted")
    assert [[row.n for row in rows] for rows in seen] == [[0]]
    with TenantUnitOfWork(postgres_database.session_factory, world.tenant.scope) as uow:
        assert uow.scalars(select(Order.external_reference)).all() == ["SO-LAST"]


def test_a_step_whose_transaction_rolls_back_is_never_sent(postgres_database):
    # given: a step waiting in a unit that rolls back
    world = make_order_world(postgres_database)
    seen: list[list[Any]] = []
    with TenantUnitOfWork(postgres_database.session_factory, world.tenant.scope) as uow:
        uow.add(_held_order(world, "SO-GONE"))
        send_last(uow.session, _counting_step(seen))
        uow.rollback()
        # when: the same session's next transaction writes and commits
        assert not waiting(uow.session)
        uow.add(_held_order(world, "SO-NEXT"))
        uow.commit()
    # then: the step went with neither
    assert seen == []
    with TenantUnitOfWork(postgres_database.session_factory, world.tenant.scope) as uow:
        assert uow.scalars(select(Order.external_reference)).all() == ["SO-NEXT"]


def test_a_step_that_fails_keeps_nothing_of_its_statement(postgres_database):
    # given: an order staged, and a step that divides by zero, its failure translated
    world = make_order_world(postgres_database)

    class Translated(Exception):
        pass

    def failed(error: DBAPIError) -> None:
        raise Translated from error

    step = LastStep("broken AS (SELECT 1 / 0 AS n)", "SELECT n FROM broken", (), print, failed)
    with TenantUnitOfWork(postgres_database.session_factory, world.tenant.scope) as uow:
        uow.add(_held_order(world, "SO-FAIL"))
        send_last(uow.session, step)
        # when / then: the flush that sends them raises the step's own error
        with pytest.raises(Translated):
            uow.flush()
    with TenantUnitOfWork(postgres_database.session_factory, world.tenant.scope) as uow:
        assert uow.scalars(select(Order.id)).all() == []


def test_steps_joined_to_the_new_rows_are_refused_on_sqlite(sqlite_database):
    world = make_order_world(sqlite_database)
    with TenantUnitOfWork(sqlite_database.session_factory, world.tenant.scope) as uow:
        with pytest.raises(NotImplementedError):
            send_last(uow.session, _counting_step([]))
        assert not waiting(uow.session)
