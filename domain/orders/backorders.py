"""Backorders: order lines waiting for stock, routed oldest order first when stock arrives."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from domain.orders.models import Order, OrderLine, OrderStatus
from domain.routing.network import live_places, lock_levels
from domain.routing.reroute import reroute_waiting
from tenants.unit_of_work import TenantUnitOfWork

WAITING_EXCLUDED = (OrderStatus.ON_HOLD, OrderStatus.CANCELLED)
"""Orders that wait but must not take stock: held ones keep their place in the queue."""


def allocate_backorders(uow: TenantUnitOfWork, product_ids: Iterable[uuid.UUID]) -> int:
    """Route waiting lines of these products, oldest order first; how many orders got stock.

    Only lines of these products are routed, so the levels locked here are the only
    ones touched and locks are always taken in the ledger's order.
    """
    products = sorted(set(product_ids))
    if not products:
        return 0
    places = live_places(uow, None)
    levels = lock_levels(uow, products, places)
    waiting = lock_waiting(uow, products)
    return reroute_waiting(uow, waiting, products, levels, places)


def lock_waiting(uow: TenantUnitOfWork, product_ids: list[uuid.UUID]) -> list[Order]:
    """Orders waiting for units of these products, oldest first, locked until commit.

    Take these locks after the products' inventory levels and before any supplier stock.
    """
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
    orders: dict[uuid.UUID, Order] = {}
    for row in rows:
        orders.setdefault(row[0].id, row[0])
    return list(orders.values())
