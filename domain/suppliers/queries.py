"""What callers may list of the supplier side, and the views a supplier's key reads.

A supplier's key cannot read orders, order lines or products; what it must know to ship
(the ship-to address, each line's SKU) is read here through the fulfillment order its
scope lets it see, joined to exactly those columns of the order and its lines.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_

from domain.addresses import Address
from domain.orders.models import (
    ExceptionReason,
    FulfillmentOrder,
    FulfillmentOrderLine,
    FulfillmentStatus,
    Order,
    OrderLine,
)
from domain.shipping.carriers.base import LabelFormat
from domain.shipping.models import DispatchAttempt, Shipment
from domain.suppliers.models import SupplierProduct, SupplierStock, SupplierStockMovement
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork


@dataclass(frozen=True)
class FulfillmentFilter:
    """What to narrow a list of fulfillment orders to; None means no narrowing."""

    statuses: tuple[FulfillmentStatus, ...] | None = None
    supplier_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    drop_ship: bool | None = None
    overdue: bool | None = None


@dataclass(frozen=True)
class LineToShip:
    """One line of a fulfillment order as its shipper reads it."""

    order_line_id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    supplier_sku: str | None
    quantity: int


def fulfillment_orders(scope: TenantScope, where: FulfillmentFilter) -> Select[Any]:
    """The caller's fulfillment orders that pass `where` (a supplier's key: only its own)."""
    stmt = scope.select(FulfillmentOrder)
    if where.statuses:
        stmt = stmt.where(FulfillmentOrder.status.in_(where.statuses))
    if where.supplier_id is not None:
        stmt = stmt.where(FulfillmentOrder.supplier_id == where.supplier_id)
    if where.order_id is not None:
        stmt = stmt.where(FulfillmentOrder.order_id == where.order_id)
    if where.drop_ship is not None:
        column = FulfillmentOrder.supplier_id
        stmt = stmt.where(column.is_not(None) if where.drop_ship else column.is_(None))
    if where.overdue is not None:
        flagged = FulfillmentOrder.overdue_at.is_not(None)
        stmt = stmt.where(flagged if where.overdue else FulfillmentOrder.overdue_at.is_(None))
    return stmt


def supplier_products(
    scope: TenantScope,
    *,
    supplier_id: uuid.UUID | None = None,
    product_id: uuid.UUID | None = None,
    active: bool | None = None,
) -> Select[Any]:
    """Catalog links the caller may see: a client's of its products, a supplier's own."""
    stmt = scope.select(SupplierProduct)
    if supplier_id is not None:
        stmt = stmt.where(SupplierProduct.supplier_id == supplier_id)
    if product_id is not None:
        stmt = stmt.where(SupplierProduct.product_id == product_id)
    if active is not None:
        stmt = stmt.where(SupplierProduct.active.is_(active))
    return stmt


def supplier_movements(
    scope: TenantScope,
    *,
    supplier_id: uuid.UUID | None = None,
    product_id: uuid.UUID | None = None,
) -> Select[Any]:
    """Supplier stock movements the caller may see."""
    stmt = scope.select(SupplierStockMovement)
    if supplier_id is not None:
        stmt = stmt.where(SupplierStockMovement.supplier_id == supplier_id)
    if product_id is not None:
        stmt = stmt.where(SupplierStockMovement.product_id == product_id)
    return stmt


def stock_by_link(
    uow: TenantUnitOfWork, link_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, SupplierStock]:
    """The stock row of each catalog link that has one."""
    stmt = uow.select(SupplierStock, SupplierProduct.id, SupplierStock).join(
        SupplierProduct,
        and_(
            SupplierProduct.provider_id == SupplierStock.provider_id,
            SupplierProduct.supplier_id == SupplierStock.supplier_id,
            SupplierProduct.product_id == SupplierStock.product_id,
        ),
    )
    return {row[0]: row[1] for row in uow.execute(stmt.where(SupplierProduct.id.in_(link_ids)))}


def ship_to_by_fulfillment_order(
    uow: TenantUnitOfWork, fulfillment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Address]:
    """Where each visible fulfillment order goes: its order's ship-to, and nothing else of it."""
    columns = [getattr(Order, f"ship_to_{name}") for name in _ADDRESS]
    stmt = uow.select(FulfillmentOrder, FulfillmentOrder.id, *columns).join(
        Order,
        and_(
            Order.provider_id == FulfillmentOrder.provider_id, Order.id == FulfillmentOrder.order_id
        ),
    )
    rows = uow.execute(stmt.where(FulfillmentOrder.id.in_(fulfillment_ids)))
    return {row[0]: Address.from_columns(*row[1:]) for row in rows}


def lines_to_ship(
    uow: TenantUnitOfWork, fulfillment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[LineToShip]]:
    """Each visible fulfillment order's lines with the client's SKU and the supplier's."""
    stmt = (
        uow.select(
            FulfillmentOrderLine,
            FulfillmentOrderLine.fulfillment_order_id,
            FulfillmentOrderLine.order_line_id,
            FulfillmentOrderLine.product_id,
            OrderLine.sku,
            SupplierProduct.supplier_sku,
            FulfillmentOrderLine.quantity,
        )
        .join(
            OrderLine,
            and_(
                OrderLine.provider_id == FulfillmentOrderLine.provider_id,
                OrderLine.id == FulfillmentOrderLine.order_line_id,
            ),
        )
        .outerjoin(
            SupplierProduct,
            and_(
                SupplierProduct.provider_id == FulfillmentOrderLine.provider_id,
                SupplierProduct.supplier_id == FulfillmentOrderLine.supplier_id,
                SupplierProduct.product_id == FulfillmentOrderLine.product_id,
            ),
        )
        .where(FulfillmentOrderLine.fulfillment_order_id.in_(fulfillment_ids))
        .order_by(OrderLine.line_number, FulfillmentOrderLine.id)
    )
    groups: dict[uuid.UUID, list[LineToShip]] = defaultdict(list)
    for row in uow.execute(stmt):
        groups[row[0]].append(LineToShip(*row[1:]))
    return groups


_ADDRESS = (
    "line1",
    "line2",
    "city",
    "region",
    "postal_code",
    "country",
    "name",
    "company",
    "phone",
    "email",
)
"""The ship-to columns in the order `Address.from_columns` takes them."""


@dataclass(frozen=True)
class SupplierLabel:
    """A label bought for a supplier's fulfillment order, as the supplier prints it."""

    carrier: str
    service: str
    tracking_number: str
    label_format: LabelFormat
    content: bytes


def labels_by_fulfillment_order(
    uow: TenantUnitOfWork, fulfillment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, SupplierLabel]:
    """The label of each visible supplier fulfillment order that has one; never its cost."""
    stmt = uow.select(
        FulfillmentOrder,
        FulfillmentOrder.id,
        Shipment.carrier,
        Shipment.service,
        Shipment.tracking_number,
        Shipment.label_format,
        Shipment.label_content,
    ).join(
        Shipment,
        and_(
            Shipment.provider_id == FulfillmentOrder.provider_id,
            Shipment.fulfillment_order_id == FulfillmentOrder.id,
        ),
    )
    rows = uow.execute(
        stmt.where(
            FulfillmentOrder.id.in_(fulfillment_ids), FulfillmentOrder.supplier_id.is_not(None)
        )
    )
    return {row[0]: SupplierLabel(*row[1:]) for row in rows}


def label_refusals_by_fulfillment_order(
    uow: TenantUnitOfWork, fulfillment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """Why the carrier refused the label of each visible supplier fulfillment order waiting
    in EXCEPTION for it: the carrier's words from its dispatch, nothing else of it."""
    stmt = uow.select(FulfillmentOrder, FulfillmentOrder.id, DispatchAttempt.exception_reason).join(
        DispatchAttempt,
        and_(
            DispatchAttempt.provider_id == FulfillmentOrder.provider_id,
            DispatchAttempt.fulfillment_order_id == FulfillmentOrder.id,
        ),
    )
    rows = uow.execute(
        stmt.where(
            FulfillmentOrder.id.in_(fulfillment_ids),
            FulfillmentOrder.supplier_id.is_not(None),
            FulfillmentOrder.status == FulfillmentStatus.EXCEPTION,
            FulfillmentOrder.exception_reason == ExceptionReason.DISPATCH_FAILED,
            DispatchAttempt.exception_reason.is_not(None),
        )
    )
    return {row[0]: row[1] for row in rows}
