"""Supplier work that reaches past one area: rejections routed on, stock reports that free
units for waiting orders, and the SLA sweep across a provider's fulfillment orders.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from domain.inventory import ledger
from domain.orders.backorders import allocate_backorders
from domain.orders.models import FulfillmentOrder, FulfillmentOrderLine, Order, RejectionReason
from domain.suppliers import deadlines, fulfillment
from domain.suppliers.reports import StockReport, report_stock
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork, UnitFactory


def reject_fulfillment(
    uow: TenantUnitOfWork,
    fulfillment_id: uuid.UUID,
    reason: RejectionReason,
    note: str | None = None,
) -> tuple[FulfillmentOrder, Order]:
    """The supplier turns its fulfillment order down; its lines are routed on at once.

    Until per-client routing rules route them (to a warehouse, or another supplier), the
    lines go to the oldest-first warehouse allocation, and wait as backorders otherwise.
    Warehouse levels are locked first, in the ledger's order, as cancellation does.
    """
    found = uow.get_or_not_found(FulfillmentOrder, fulfillment_id, "fulfillment order")
    products = _products(uow.provider_view(), found.id)
    ledger.lock_levels(uow.provider_view(), products)
    fo, order = fulfillment.reject(uow, fulfillment_id, reason, note)
    allocate_backorders(uow.provider_view(), products)
    return fo, order


def report_supplier_stock(
    uow: TenantUnitOfWork, supplier_id: uuid.UUID | None, reports: Sequence[StockReport]
) -> list[uuid.UUID]:
    """Book a supplier's reported quantities; the ids of the catalog links it changed."""
    return report_stock(uow, supplier_id, reports)


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
