"""Keeping an order's stored status in step with its lines, fulfillment orders and holds."""

from __future__ import annotations

import uuid

from sqlalchemy import func

from domain.catalog.models import Warehouse, WarehouseKind
from domain.orders import events
from domain.orders.models import (
    FulfillmentOrder,
    FulfillmentOrderLine,
    Order,
    OrderHold,
    OrderLine,
    OrderStatus,
)
from domain.orders.states import SHIPPED_OR_LATER, derive_status
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
        picked = _picked_at_warehouses(uow, order) if order.status is OrderStatus.SHIPPED else 0
        events.order_status_changed(uow, order, previous, ordered, line_count, picked)
    uow.flush()
    return order


def _picked_at_warehouses(uow: TenantUnitOfWork, order: Order) -> int:
    # The units the 3PL picked: not a supplier's, nor those of the client's own locations.
    return int(
        uow.scalar(
            uow.select(
                FulfillmentOrderLine, func.coalesce(func.sum(FulfillmentOrderLine.quantity), 0)
            )
            .join(
                FulfillmentOrder,
                (FulfillmentOrder.provider_id == FulfillmentOrderLine.provider_id)
                & (FulfillmentOrder.id == FulfillmentOrderLine.fulfillment_order_id),
            )
            .join(
                Warehouse,
                (Warehouse.provider_id == FulfillmentOrder.provider_id)
                & (Warehouse.id == FulfillmentOrder.warehouse_id),
            )
            .where(
                FulfillmentOrder.order_id == order.id,
                FulfillmentOrder.status.in_(SHIPPED_OR_LATER),
                Warehouse.kind == WarehouseKind.WAREHOUSE,
            )
        )
        or 0
    )


def settle_new_order(
    uow: TenantUnitOfWork,
    order: Order,
    lines: list[OrderLine],
    *,
    held: bool = False,
    staged: bool = True,
) -> Order:
    """A new order's status from what this transaction made for it: its lines' allocation,
    its fulfillment orders, a hold placed at creation.

    With `staged`, the fulfillment orders are still waiting for the flush (nothing is read);
    otherwise (a supplier's reservation flushes as it goes) their statuses are read.
    The order row went in with the status its routing decision promised; only when a
    reservation fell short (a supplier's stock) does the row change again.
    """
    if staged:
        fulfillment = [
            row.status
            for row in uow.session.new
            if isinstance(row, FulfillmentOrder) and row.order_id == order.id
        ]
    else:
        uow.flush()
        fulfillment = list(
            uow.scalars(
                uow.select(FulfillmentOrder, FulfillmentOrder.status).where(
                    FulfillmentOrder.order_id == order.id
                )
            )
        )
    ordered = sum(line.quantity for line in lines)
    status = derive_status(
        ordered=ordered,
        allocated=sum(line.allocated_quantity for line in lines),
        fulfillment=fulfillment,
        held=held,
        cancelled=False,
    )
    if order.status is not status:
        order.status = status
    if status is not OrderStatus.RECEIVED:
        events.order_status_changed(uow, order, OrderStatus.RECEIVED, ordered, len(lines))
    return order


def lock_order(uow: TenantUnitOfWork, order_id: uuid.UUID) -> Order | None:
    """The caller's order by id, locked until commit, fresh from the database."""
    return uow.get(Order, order_id, lock=True)
