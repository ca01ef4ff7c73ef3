"""Backorders: order lines waiting for stock, allocated oldest first when stock arrives."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from itertools import groupby

from domain.orders.allocation import allocate_lines, lock_stock
from domain.orders.models import Order, OrderLine, OrderStatus
from domain.orders.status import refresh_status
from tenants.unit_of_work import TenantUnitOfWork

WAITING_EXCLUDED = (OrderStatus.ON_HOLD, OrderStatus.CANCELLED)
"""Orders that wait but must not take stock: held ones keep their place in the queue."""


def allocate_backorders(uow: TenantUnitOfWork, product_ids: Iterable[uuid.UUID]) -> int:
    """Allocate waiting lines of these products, oldest order first; how many orders got stock.

    Only lines of these products are allocated, so the levels locked here are the
    only ones touched and locks are always taken in the ledger's order.
    """
    products = sorted(set(product_ids))
    if not products:
        return 0
    levels, warehouses = lock_stock(uow, products)
    if not levels:
        return 0
    served = 0
    for order, lines in _waiting(uow, products):
        if not any(level.available > 0 for level in levels.values()):
            break
        if allocate_lines(uow, order, lines, levels, warehouses):
            refresh_status(uow, order)
            served += 1
    return served


def _waiting(
    uow: TenantUnitOfWork, product_ids: list[uuid.UUID]
) -> list[tuple[Order, list[OrderLine]]]:
    stmt = uow.scope.restrict(
        uow.select(Order, Order, OrderLine).join(
            OrderLine,
            (OrderLine.provider_id == Order.provider_id) & (OrderLine.order_id == Order.id),
        ),
        OrderLine,
    )
    rows = uow.execute(
        stmt.where(
            OrderLine.product_id.in_(product_ids),
            OrderLine.allocated_quantity < OrderLine.quantity,
            Order.status.not_in(WAITING_EXCLUDED),
            Order.cancelled_at.is_(None),
        )
        .order_by(Order.created_at, Order.id, OrderLine.line_number)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    return [
        (order, [row[1] for row in group]) for order, group in groupby(rows, key=lambda row: row[0])
    ]
