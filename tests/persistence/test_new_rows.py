"""insert_new_rows: a session's new rows as one Core INSERT per table, parents first."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

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
from persistence.new_rows import insert_new_rows
from tenants.unit_of_work import TenantUnitOfWork
from tests.factories_orders import make_order_world, order_command
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
