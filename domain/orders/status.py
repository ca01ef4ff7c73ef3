"""Keeping an order's stored status in step with its lines, fulfillment orders and holds."""

from __future__ import annotations

import uuid

from sqlalchemy import func

from domain.orders import events
from domain.orders.models import FulfillmentOrder, Order, OrderHold, OrderLine
from domain.orders.states import derive_status
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork


def refresh_status(uow: TenantUnitOfWork, order: Order) -> Order:
    """Recompute and store the order's status; mark the order updated."""
    uow.flush()
    ordered, allocated, line_count = uow.execute(
        uow.select(
            OrderLine,
            func.coalesce(func.sum(OrderLine.quantity), 0),
            func.coalesce(func.sum(OrderLine.allocated_quantity), 0),
            func.count(),
        ).where(OrderLine.order_id == order.id)
    ).one()
    fulfillment = uow.scalars(
        uow.select(FulfillmentOrder, FulfillmentOrder.status).where(
            FulfillmentOrder.order_id == order.id
        )
    ).all()
    held = uow.scalar(
        uow.select(OrderHold, func.count()).where(
            OrderHold.order_id == order.id, OrderHold.released_at.is_(None)
        )
    )
    previous = order.status
    order.status = derive_status(
        ordered=ordered,
        allocated=allocated,
        fulfillment=fulfillment,
        held=bool(held),
        cancelled=order.cancelled_at is not None,
    )
    order.updated_at = utcnow()
    if order.status is not previous:
        events.order_status_changed(uow, order, previous, ordered, line_count)
    uow.flush()
    return order


def lock_order(uow: TenantUnitOfWork, order_id: uuid.UUID) -> Order | None:
    """The caller's order by id, locked until commit, fresh from the database."""
    return uow.get(Order, order_id, lock=True)
