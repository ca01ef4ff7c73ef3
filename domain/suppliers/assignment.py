"""Handing order lines to a drop-ship supplier: reserve its stock, open its fulfillment order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.orders import events
from domain.orders.models import (
    FulfillmentOrder,
    FulfillmentOrderLine,
    FulfillmentStatus,
    Order,
    OrderLine,
)
from domain.outbox.events import Topic
from domain.suppliers import stock
from persistence.base import new_id, utcnow
from tenants.models import Supplier
from tenants.unit_of_work import TenantUnitOfWork


@dataclass(frozen=True)
class SupplierPick:
    """Units of one order line to hand to a supplier."""

    line: OrderLine
    quantity: int


def assign_to_supplier(
    uow: TenantUnitOfWork,
    order: Order,
    supplier_id: uuid.UUID,
    picks: Sequence[SupplierPick],
) -> FulfillmentOrder | None:
    """Reserve each pick at the supplier and open its fulfillment order; None if none fit.

    A pick the supplier's stock cannot cover in full (someone took the units since
    `supplier_availability` was read) is left out: its line keeps those units unallocated
    for the caller to route on. The supplier's SLA hours set the deadlines.
    """
    supplier = uow.session.get(Supplier, (uow.scope.provider_id, supplier_id))
    if supplier is None or supplier.archived_at is not None:
        return None
    fo_id = new_id()
    reference = stock.Reference("fulfillment_order", fo_id)
    taken = [
        pick
        for pick in sorted(picks, key=lambda p: (p.line.product_id, p.line.id))
        if pick.quantity > 0
        and stock.reserve(uow, supplier_id, pick.line.product_id, pick.quantity, reference)
    ]
    if not taken:
        return None
    now = utcnow()
    fo = FulfillmentOrder(
        provider_id=order.provider_id,
        id=fo_id,
        client_id=order.client_id,
        order_id=order.id,
        warehouse_id=None,
        supplier_id=supplier_id,
        status=FulfillmentStatus.ALLOCATED,
        acknowledge_by=_deadline(now, supplier.acknowledge_within_hours),
        ship_by=_deadline(now, supplier.ship_within_hours),
    )
    uow.add(fo)
    for pick in taken:
        pick.line.allocated_quantity += pick.quantity
        uow.add(
            FulfillmentOrderLine(
                provider_id=order.provider_id,
                id=new_id(),
                client_id=order.client_id,
                fulfillment_order_id=fo.id,
                order_line_id=pick.line.id,
                product_id=pick.line.product_id,
                quantity=pick.quantity,
                supplier_id=supplier_id,
            )
        )
    uow.flush()
    events.fulfillment_changed(uow, fo, Topic.FULFILLMENT_ROUTED)
    return fo


def release_supplier_lines(
    uow: TenantUnitOfWork, fo: FulfillmentOrder, reason: str
) -> list[FulfillmentOrderLine]:
    """Give a supplier fulfillment order's units back to the supplier's stock; its lines."""
    assert fo.supplier_id is not None
    lines = list(
        uow.scalars(
            uow.select(FulfillmentOrderLine)
            .where(FulfillmentOrderLine.fulfillment_order_id == fo.id)
            .order_by(FulfillmentOrderLine.product_id, FulfillmentOrderLine.id)
        )
    )
    reference = stock.Reference("fulfillment_order", fo.id)
    for line in lines:
        stock.release(uow, fo.supplier_id, line.product_id, line.quantity, reference, reason)
    return lines


def _deadline(start: datetime, hours: int | None) -> datetime | None:
    return start + timedelta(hours=hours) if hours is not None else None
