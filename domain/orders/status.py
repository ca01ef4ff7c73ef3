"""Keeping an order's stored status in step with its lines, fulfillment orders and holds."""

from __future__ import annotations

from sqlalchemy import func
from sqlalchemy.orm import Session

from domain.orders import events
from domain.orders.models import FulfillmentOrder, Order, OrderHold, OrderLine
from domain.orders.states import derive_status
from persistence.base import utcnow
from tenants.scope import TenantScope


def refresh_status(session: Session, scope: TenantScope, order: Order) -> Order:
    """Recompute and store the order's status; mark the order updated."""
    session.flush()
    ordered, allocated, line_count = session.execute(
        scope.select(
            OrderLine,
            func.coalesce(func.sum(OrderLine.quantity), 0),
            func.coalesce(func.sum(OrderLine.allocated_quantity), 0),
            func.count(),
        ).where(OrderLine.order_id == order.id)
    ).one()
    fulfillment = session.scalars(
        scope.select(FulfillmentOrder, FulfillmentOrder.status).where(
            FulfillmentOrder.order_id == order.id
        )
    ).all()
    held = session.scalar(
        scope.select(OrderHold, func.count()).where(
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
        events.order_status_changed(session, scope, order, previous, ordered, line_count)
    session.flush()
    return order


def lock_order(session: Session, scope: TenantScope, order_id: object) -> Order | None:
    """The caller's order by id, locked until commit, fresh from the database."""
    return session.scalar(
        scope.select(Order)
        .where(Order.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
