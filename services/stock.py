"""Stock freed, backorders served: receipts, adjustments and counts that make units
available hand them to the orders waiting longest, in the same transaction.

The inventory area books stock and says which products it freed; the orders area
allocates. This module joins the two, so neither area imports the other.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from domain.inventory import adjustments, inbound
from domain.orders.backorders import allocate_backorders
from tenants.unit_of_work import TenantUnitOfWork


def receive_inbound_shipment(
    uow: TenantUnitOfWork,
    shipment_id: uuid.UUID,
    lines: Sequence[inbound.LineQuantity],
    note: str | None = None,
) -> inbound.InboundResult:
    """Book goods that arrived, then let waiting orders take them."""
    result = inbound.receive_inbound_shipment(uow, shipment_id, lines, note)
    allocate_backorders(uow, sorted(line.product_id for line in lines))
    return result


def adjust(
    uow: TenantUnitOfWork,
    product_id: uuid.UUID,
    warehouse_id: uuid.UUID,
    quantity: int,
    reason: adjustments.AdjustmentReason,
    note: str | None = None,
) -> adjustments.StockChange:
    """Change stock for a reason; units it makes available go to waiting orders first."""
    change = adjustments.adjust(uow, product_id, warehouse_id, quantity, reason, note)
    return _serve_backorders(uow, change)


def record_count(
    uow: TenantUnitOfWork,
    product_id: uuid.UUID,
    warehouse_id: uuid.UUID,
    counted: int,
    note: str | None = None,
) -> adjustments.StockChange:
    """Set on-hand stock to what was counted; units found go to waiting orders first."""
    change = adjustments.record_count(uow, product_id, warehouse_id, counted, note)
    return _serve_backorders(uow, change)


def _serve_backorders(
    uow: TenantUnitOfWork, change: adjustments.StockChange
) -> adjustments.StockChange:
    # Otherwise the next new order would take stock that older backorders wait for.
    if change.freed:
        allocate_backorders(uow, [change.level.product_id])
    return change
