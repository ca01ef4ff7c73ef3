"""Supplier work that reaches past one area: rejections routed on, stock reports that free
units for waiting orders, and the SLA sweep across a provider's fulfillment orders.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from domain.inventory import ledger
from domain.orders.backorders import lock_waiting
from domain.orders.models import FulfillmentOrder, FulfillmentOrderLine, Order, RejectionReason
from domain.suppliers import deadlines, fulfillment
from domain.suppliers.reports import StockReport, report_stock, reported_products
from persistence.base import utcnow
from services import routing
from tenants.unit_of_work import TenantUnitOfWork, UnitFactory


def reject_fulfillment(
    uow: TenantUnitOfWork,
    fulfillment_id: uuid.UUID,
    reason: RejectionReason,
    note: str | None = None,
) -> tuple[FulfillmentOrder, Order]:
    """The supplier turns its fulfillment order down; the client's rules route its lines on
    at once (never back to this supplier), or the order goes to EXCEPTION.

    Locks follow the one order every stock change keeps (cancellation, shipping, receipts):
    inventory levels, then the order, then its fulfillment orders, then supplier stock.
    """
    found = uow.get_or_not_found(FulfillmentOrder, fulfillment_id, "fulfillment order")
    view = uow.provider_view()
    ledger.lock_levels(view, _products(view, found.id))
    fo, order = fulfillment.reject(uow, fulfillment_id, reason, note)
    routing.reroute_after_rejection(view, fo)
    return fo, order


def report_supplier_stock(
    uow: TenantUnitOfWork, supplier_id: uuid.UUID | None, reports: Sequence[StockReport]
) -> list[uuid.UUID]:
    """Book a supplier's reported quantities, then route waiting units of those products in
    the same transaction; the ids of the catalog links it changed.

    Locks follow the order cancellation and order creation keep: the products' inventory
    levels, the orders waiting for them, then the supplier's stock rows.
    """
    view = uow.provider_view()
    products = reported_products(uow, supplier_id, reports)
    ledger.lock_levels(view, products)
    lock_waiting(view, products)  # orders before supplier stock, as cancellation locks them
    changed = report_stock(uow, supplier_id, reports)
    routing.reroute_after_supplier_stock(view, products)
    return changed


def flag_overdue(units: UnitFactory, now: datetime | None = None) -> int:
    """Flag every supplier fulfillment order past a deadline, each in its own transaction."""
    now = now or utcnow()
    flagged, after = 0, None
    while True:
        with units() as uow:
            due = deadlines.overdue_ids(uow, now, after)
        for fulfillment_id in due:
            with units() as uow:
                if deadlines.flag_overdue(uow, fulfillment_id, now):
                    flagged += 1
                uow.commit()
        if len(due) < deadlines.BATCH:
            return flagged
        after = due[-1]


def _products(uow: TenantUnitOfWork, fulfillment_id: uuid.UUID) -> list[uuid.UUID]:
    return sorted(
        set(
            uow.scalars(
                uow.select(FulfillmentOrderLine, FulfillmentOrderLine.product_id).where(
                    FulfillmentOrderLine.fulfillment_order_id == fulfillment_id
                )
            )
        )
    )
