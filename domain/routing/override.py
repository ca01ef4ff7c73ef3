"""Manual override: move a fulfillment order that has not started picking to another source.

The provider may move any; a client only to one of its own merchant locations. The units
are released where they were and reserved at the target (all or nothing), and the move is
recorded beside the automatic decisions, with the person's reason.
"""

from __future__ import annotations

import uuid

from domain.catalog.models import Warehouse, WarehouseKind
from domain.errors import DomainError, DomainErrorCode, not_found
from domain.inventory import ledger
from domain.inventory.models import MovementKind
from domain.orders.allocation import allocate_picks
from domain.orders.models import (
    FulfillmentOrder,
    FulfillmentOrderLine,
    FulfillmentStatus,
    Order,
    OrderLine,
)
from domain.orders.planning import Pick
from domain.orders.status import lock_order, refresh_status
from domain.routing.decision import Candidate, Decision, LineDecision, Verdict
from domain.routing.models import DecisionKind
from domain.routing.orders import record
from domain.routing.rule_sets import active_rule_set
from domain.routing.rules import SourceKind, SourceRef
from tenants.unit_of_work import TenantUnitOfWork
from tenants.validation import clean_text

REASON_MAX = 500
OVERRIDE_RULE = "manual override"


def override_source(
    uow: TenantUnitOfWork, fulfillment_id: uuid.UUID, warehouse_id: uuid.UUID, reason: str
) -> tuple[FulfillmentOrder, Order]:
    """Move a fulfillment order to `warehouse_id` (a warehouse or merchant location); the
    fulfillment order now serving the units, and the order."""
    reason = clean_text(reason, "reason", REASON_MAX)
    found = uow.get_or_not_found(FulfillmentOrder, fulfillment_id, "fulfillment order")
    target = _target(uow, found, warehouse_id)
    if found.warehouse_id is None:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            "A supplier's fulfillment order is re-routed by rejecting it.",
            "id",
        )
    if target.id == found.warehouse_id:
        raise DomainError(
            DomainErrorCode.INVALID, "The fulfillment order is there already.", "warehouseId"
        )
    products = uow.scalars(
        uow.select(FulfillmentOrderLine, FulfillmentOrderLine.product_id).where(
            FulfillmentOrderLine.fulfillment_order_id == found.id
        )
    ).all()
    # Locks in the ledger's order: levels, then order, then fulfillment order.
    levels = ledger.lock_levels(uow, products, [found.warehouse_id, target.id])
    order = lock_order(uow, found.order_id)
    assert order is not None
    fo = uow.get(FulfillmentOrder, fulfillment_id, lock=True)
    assert fo is not None
    assert fo.warehouse_id is not None
    if fo.status is not FulfillmentStatus.ALLOCATED:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            f"A fulfillment order that is {fo.status.name} has started; it cannot be re-routed.",
            "id",
        )
    fo_lines = list(
        uow.scalars(
            uow.select(FulfillmentOrderLine)
            .where(FulfillmentOrderLine.fulfillment_order_id == fo.id)
            .order_by(FulfillmentOrderLine.product_id)
        )
    )
    for line in fo_lines:
        level = levels.get((line.product_id, target.id))
        available = level.available if level else 0
        if available < line.quantity:
            raise DomainError(
                DomainErrorCode.INSUFFICIENT_STOCK,
                f"{target.code} has {max(available, 0)} of a product the fulfillment order "
                f"ships {line.quantity} of.",
                "warehouseId",
            )
    order_lines = {
        line.id: line
        for line in uow.scalars(uow.select(OrderLine).where(OrderLine.order_id == order.id))
    }
    old = SourceRef(_kind(uow, fo.warehouse_id), fo.warehouse_id)
    old_code = uow.get(Warehouse, fo.warehouse_id)
    for line in fo_lines:
        ledger.post(
            uow,
            levels[(line.product_id, fo.warehouse_id)],
            MovementKind.RELEASE,
            allocated=-line.quantity,
            reason="re-routed",
            note=reason[:500],
            reference=ledger.Reference("order", order.id),
        )
        order_lines[line.order_line_id].allocated_quantity -= line.quantity
    fo.status = FulfillmentStatus.CANCELLED
    uow.flush()
    allocate_picks(
        uow,
        order,
        list(order_lines.values()),
        levels,
        [Pick(line.order_line_id, line.product_id, target.id, line.quantity) for line in fo_lines],
    )
    decision = _decision(
        uow, order, fo_lines, order_lines, (old, old_code.code if old_code else ""), target, levels
    )
    record(uow, order, decision, DecisionKind.OVERRIDE, reason=reason, fulfillment_order_id=fo.id)
    refresh_status(uow, order)
    moved = uow.scalars(
        uow.select(FulfillmentOrder).where(
            FulfillmentOrder.order_id == order.id,
            FulfillmentOrder.warehouse_id == target.id,
            FulfillmentOrder.status == FulfillmentStatus.ALLOCATED,
        )
    ).one()
    return moved, order


def _kind(uow: TenantUnitOfWork, warehouse_id: uuid.UUID) -> SourceKind:
    row = uow.get(Warehouse, warehouse_id)
    if row is not None and row.kind is WarehouseKind.MERCHANT_LOCATION:
        return SourceKind.MERCHANT_LOCATION
    return SourceKind.WAREHOUSE


def _target(uow: TenantUnitOfWork, fo: FulfillmentOrder, warehouse_id: uuid.UUID) -> Warehouse:
    target = uow.get(Warehouse, warehouse_id)
    if target is None or target.client_id not in (None, fo.client_id):
        raise not_found("warehouse", "warehouseId")
    if target.archived_at is not None:
        raise DomainError(DomainErrorCode.ARCHIVED, "The warehouse is archived.", "warehouseId")
    if not uow.scope.is_provider and target.client_id != uow.scope.client_id:
        raise DomainError(
            DomainErrorCode.FORBIDDEN,
            "A client re-routes only to its own merchant locations.",
            "warehouseId",
        )
    return target


def _decision(
    uow: TenantUnitOfWork,
    order: Order,
    fo_lines: list[FulfillmentOrderLine],
    order_lines: dict[uuid.UUID, OrderLine],
    old: tuple[SourceRef, str],
    target: Warehouse,
    levels: dict,
) -> Decision:
    new = SourceRef(
        SourceKind.MERCHANT_LOCATION if target.client_id else SourceKind.WAREHOUSE, target.id
    )
    lines = []
    for line in fo_lines:
        order_line = order_lines[line.order_line_id]
        level = levels.get((line.product_id, target.id))
        before = (level.available if level else 0) + line.quantity
        lines.append(
            LineDecision(
                line_number=order_line.line_number,
                sku=order_line.sku,
                product_id=line.product_id,
                quantity=line.quantity,
                candidates=(
                    Candidate(old[0], old[1], line.quantity, 0, Verdict.OVERRIDDEN),
                    Candidate(new, target.code, before, line.quantity, Verdict.MANUAL),
                ),
                backordered=0,
                note=f"moved from {old[1]} to {target.code} by {uow.scope.actor}",
            )
        )
    return Decision(
        rule_set_version=active_rule_set(uow, order.client_id).version,
        rule_index=None,
        rule_name=OVERRIDE_RULE,
        rule_reason="a person re-routed the fulfillment order",
        skipped=(),
        lines=tuple(lines),
    )
