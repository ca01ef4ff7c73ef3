"""Keeping an order's stored status in step with its lines, fulfillment orders and holds."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select

from domain.catalog.models import Warehouse, WarehouseKind
from domain.orders import events
from domain.orders.models import (
    FulfillmentOrder,
    FulfillmentOrderLine,
    FulfillmentStatus,
    Order,
    OrderHold,
    OrderLine,
    OrderStatus,
)
from domain.orders.states import SHIPPED_OR_LATER, derive_status
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork


def refresh_status(uow: TenantUnitOfWork, order: Order, *, flush: bool = True) -> Order:
    """Recompute and store the order's status; mark the order updated.

    One read: the order's line totals, open holds and fulfillment orders. With `flush`
    (the default) staged changes reach the database before it and the order's after it;
    without, nothing is flushed: the fulfillment orders' statuses staged in the session
    count as they stand, so the caller stages everything and flushes once (shipping does;
    its only unflushed change among the order's lines and holds must be none).
    """
    if flush:
        uow.flush()
    with uow.session.no_autoflush:
        tally = _tally(uow, order.id)
    staged = {} if flush else _staged_statuses(uow, order.id)
    statuses = [staged.get(row.id, row.status) for row in tally.fulfillment]
    previous = order.status
    order.status = derive_status(
        ordered=tally.ordered,
        allocated=tally.allocated,
        fulfillment=statuses,
        held=tally.held,
        cancelled=order.cancelled_at is not None,
    )
    order.updated_at = utcnow()
    if order.status is not previous:
        picked = 0
        if order.status is OrderStatus.SHIPPED:  # the units the 3PL's warehouses picked
            picked = sum(
                row.units
                for row, status in zip(tally.fulfillment, statuses, strict=True)
                if status in SHIPPED_OR_LATER and row.kind is WarehouseKind.WAREHOUSE
            )
        events.order_status_changed(uow, order, previous, tally.ordered, tally.lines, picked)
    if flush:
        uow.flush()
    return order


@dataclass(frozen=True)
class _Part:
    id: uuid.UUID
    status: FulfillmentStatus
    kind: WarehouseKind | None
    """Its warehouse's kind; None for a supplier's."""
    units: int


@dataclass(frozen=True)
class _Tally:
    ordered: int
    allocated: int
    lines: int
    held: bool
    fulfillment: list[_Part]


def _tally(uow: TenantUnitOfWork, order_id: uuid.UUID) -> _Tally:
    # One statement: the order with each of its fulfillment orders (or none), the line
    # totals and open holds as scalar subqueries beside them.
    lines = uow.select(OrderLine).where(OrderLine.order_id == order_id)
    ordered = lines.with_only_columns(func.coalesce(func.sum(OrderLine.quantity), 0))
    allocated = lines.with_only_columns(func.coalesce(func.sum(OrderLine.allocated_quantity), 0))
    held = uow.select(OrderHold, func.count()).where(
        OrderHold.order_id == order_id, OrderHold.released_at.is_(None)
    )
    fo = FulfillmentOrder
    units = (
        select(func.coalesce(func.sum(FulfillmentOrderLine.quantity), 0))
        .where(
            FulfillmentOrderLine.provider_id == fo.provider_id,
            FulfillmentOrderLine.fulfillment_order_id == fo.id,
        )
        .scalar_subquery()
    )
    rows = uow.execute(
        uow.select(
            Order,
            ordered.scalar_subquery(),
            allocated.scalar_subquery(),
            lines.with_only_columns(func.count()).scalar_subquery(),
            held.scalar_subquery(),
            fo.id,
            fo.status,
            Warehouse.kind,
            units,
        )
        .select_from(Order)
        .outerjoin(fo, (fo.provider_id == Order.provider_id) & (fo.order_id == Order.id))
        .outerjoin(
            Warehouse,
            (Warehouse.provider_id == fo.provider_id) & (Warehouse.id == fo.warehouse_id),
        )
        .where(Order.id == order_id)
        .order_by(fo.id)
    ).all()
    first = rows[0]
    return _Tally(
        ordered=int(first[0]),
        allocated=int(first[1]),
        lines=int(first[2]),
        held=bool(first[3]),
        fulfillment=[
            _Part(row[4], row[5], row[6], int(row[7])) for row in rows if row[4] is not None
        ],
    )


def _staged_statuses(
    uow: TenantUnitOfWork, order_id: uuid.UUID
) -> dict[uuid.UUID, FulfillmentStatus]:
    return {
        row.id: row.status
        for row in uow.session.identity_map.values()
        if isinstance(row, FulfillmentOrder) and row.order_id == order_id
    }


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
