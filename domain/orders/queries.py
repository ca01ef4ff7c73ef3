"""Reading orders: the filtered list, and children of many orders at once (for loaders)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from domain.orders.models import (
    FulfillmentOrder,
    FulfillmentOrderLine,
    Order,
    OrderHold,
    OrderLine,
    OrderStatus,
)
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork


@dataclass(frozen=True)
class OrderFilter:
    """What to narrow a list of orders to; None means no narrowing."""

    statuses: tuple[OrderStatus, ...] | None = None
    client_id: uuid.UUID | None = None
    external_reference: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    updated_since: datetime | None = None
    warehouse_id: uuid.UUID | None = None


def orders_matching(scope: TenantScope, where: OrderFilter) -> Select[Any]:
    """The caller's orders that pass `where`, unordered."""
    stmt = scope.select(Order)
    if where.statuses:
        stmt = stmt.where(Order.status.in_(where.statuses))
    if where.client_id is not None:
        stmt = stmt.where(Order.client_id == where.client_id)
    if where.external_reference is not None:
        stmt = stmt.where(Order.external_reference == where.external_reference.strip())
    if where.created_after is not None:
        stmt = stmt.where(Order.created_at > where.created_after)
    if where.created_before is not None:
        stmt = stmt.where(Order.created_at < where.created_before)
    if where.updated_since is not None:
        stmt = stmt.where(Order.updated_at >= where.updated_since)
    if where.warehouse_id is not None:
        shipped_from = scope.select(FulfillmentOrder, FulfillmentOrder.id).where(
            FulfillmentOrder.order_id == Order.id,
            FulfillmentOrder.warehouse_id == where.warehouse_id,
        )
        stmt = stmt.where(shipped_from.exists())
    return stmt


def count_by_status(uow: TenantUnitOfWork, where: OrderFilter) -> dict[OrderStatus, int]:
    """How many of the caller's orders passing `where` stand in each state (one statement)."""
    matching = orders_matching(uow.scope, where).subquery()
    stmt = select(matching.c.status, func.count()).group_by(matching.c.status)
    return {OrderStatus(status): count for status, count in uow.session.execute(stmt)}


def lines_by_order(
    uow: TenantUnitOfWork, order_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[OrderLine]]:
    """Each order's lines, by line number."""
    stmt = uow.select(OrderLine).where(OrderLine.order_id.in_(order_ids))
    return _grouped(uow.session, stmt.order_by(OrderLine.line_number), "order_id")


def fulfillment_orders_by_order(
    uow: TenantUnitOfWork, order_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[FulfillmentOrder]]:
    """Each order's fulfillment orders, oldest first."""
    stmt = uow.select(FulfillmentOrder).where(FulfillmentOrder.order_id.in_(order_ids))
    return _grouped(
        uow.session, stmt.order_by(FulfillmentOrder.created_at, FulfillmentOrder.id), "order_id"
    )


def lines_by_fulfillment_order(
    uow: TenantUnitOfWork, fulfillment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[FulfillmentOrderLine]]:
    """Each fulfillment order's lines."""
    stmt = uow.select(FulfillmentOrderLine).where(
        FulfillmentOrderLine.fulfillment_order_id.in_(fulfillment_ids)
    )
    return _grouped(uow.session, stmt.order_by(FulfillmentOrderLine.id), "fulfillment_order_id")


def holds_by_order(
    uow: TenantUnitOfWork, order_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[OrderHold]]:
    """Each order's holds, released ones included, oldest first."""
    stmt = uow.select(OrderHold).where(OrderHold.order_id.in_(order_ids))
    return _grouped(uow.session, stmt.order_by(OrderHold.placed_at, OrderHold.id), "order_id")


def _grouped(session: Session, stmt: Select[Any], parent: str) -> dict[uuid.UUID, list[Any]]:
    groups: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in session.scalars(stmt):
        groups[getattr(row, parent)].append(row)
    return groups
