"""Handing order lines to a supplier, and what cancelling gives back."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from domain.orders.cancellation import cancel_order
from domain.orders.models import (
    FulfillmentOrder,
    FulfillmentOrderLine,
    Order,
    OrderLine,
    OrderStatus,
)
from domain.orders.status import refresh_status
from domain.outbox.models import OutboxEvent
from domain.suppliers.assignment import SupplierPick, assign_to_supplier
from tenants.unit_of_work import TenantUnitOfWork
from tests.domain.orders.conftest import Shop
from tests.factories_orders import order_command, order_state, place_order, run
from tests.supplier_factories import (
    link,
    make_supplier,
    supplier_level,
    supplier_stock_matches_log,
)


def _route_all(uow: TenantUnitOfWork, order_id, supplier_id):
    order = uow.get(Order, order_id)
    lines = uow.scalars(uow.select(OrderLine).where(OrderLine.order_id == order_id)).all()
    picks = [SupplierPick(line, line.backordered_quantity) for line in lines]
    fo = assign_to_supplier(uow, order, supplier_id, picks)
    refresh_status(uow, order)
    return fo.id if fo else None


def test_lines_routed_to_a_supplier_open_its_fulfillment_order_with_deadlines(shop: Shop):
    # given: no warehouse stock, a supplier with 4 of SKU-1 and a 24 h / 72 h SLA
    acme = make_supplier(shop.db, shop.tenant, acknowledge_within_hours=24, ship_within_hours=72)
    link(shop.db, shop.tenant, acme, shop.products["SKU-1"], 4)
    created = place_order(shop.db, shop.client(), order_command(lines=(("SKU-1", 3),)))
    assert order_state(shop.db, shop.tenant.provider_id, created.order.id).status is (
        OrderStatus.BACKORDERED
    )
    # when
    fo_id = run(shop.db, shop.client(), _route_all, created.order.id, acme)
    # then
    state = order_state(shop.db, shop.tenant.provider_id, created.order.id)
    assert (state.status, state.allocated) == (OrderStatus.ALLOCATED, [3])
    assert supplier_level(shop.db, acme, shop.products["SKU-1"]) == (4, 3)
    assert supplier_stock_matches_log(shop.db)
    with TenantUnitOfWork.operator(shop.db.session_factory, shop.tenant.provider_id) as uow:
        fo = uow.get(FulfillmentOrder, fo_id)
        assert (fo.supplier_id, fo.warehouse_id) == (acme, None)
        assert fo.acknowledge_by - fo.created_at < timedelta(hours=24, seconds=5)
        assert fo.ship_by - fo.acknowledge_by == timedelta(hours=48)
        lines = uow.scalars(
            select(FulfillmentOrderLine).where(FulfillmentOrderLine.fulfillment_order_id == fo_id)
        ).all()
        assert [(line.quantity, line.supplier_id) for line in lines] == [(3, acme)]
        routed = uow.scalars(
            select(OutboxEvent).where(OutboxEvent.topic == "fulfillment_order.routed")
        ).one()
        assert routed.supplier_id == acme
        assert routed.payload["supplier_id"] == str(acme)


def test_a_supplier_short_of_the_units_gets_nothing_and_the_line_waits(shop: Shop):
    acme = make_supplier(shop.db, shop.tenant)
    link(shop.db, shop.tenant, acme, shop.products["SKU-1"], 2)
    created = place_order(shop.db, shop.client(), order_command(lines=(("SKU-1", 3),)))
    assert run(shop.db, shop.client(), _route_all, created.order.id, acme) is None
    state = order_state(shop.db, shop.tenant.provider_id, created.order.id)
    assert (state.status, state.allocated, state.fulfillment) == (
        OrderStatus.BACKORDERED,
        [0],
        [],
    )
    assert supplier_level(shop.db, acme, shop.products["SKU-1"]) == (2, 0)


def test_cancelling_an_order_gives_the_supplier_its_units_back(shop: Shop):
    # given
    acme = make_supplier(shop.db, shop.tenant)
    link(shop.db, shop.tenant, acme, shop.products["SKU-1"], 4)
    created = place_order(shop.db, shop.client(), order_command(lines=(("SKU-1", 3),)))
    run(shop.db, shop.client(), _route_all, created.order.id, acme)
    # when
    run(shop.db, shop.client(), cancel_order, created.order.id)
    # then
    state = order_state(shop.db, shop.tenant.provider_id, created.order.id)
    assert state.status is OrderStatus.CANCELLED
    assert [status.name for _, status in state.fulfillment] == ["CANCELLED"]
    assert supplier_level(shop.db, acme, shop.products["SKU-1"]) == (4, 0)
    assert supplier_stock_matches_log(shop.db)
