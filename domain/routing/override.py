"""Manual override: move a fulfillment order that has not started picking to another source.

The provider may move a warehouse's fulfillment order to any live warehouse, merchant
location of the client, or supplier carrying the products; a client only to one of its own
merchant locations. The units are released where they were and reserved at the target (all
or nothing), and the move is recorded beside the automatic decisions, with the reason.
A supplier's fulfillment order is moved by the supplier rejecting it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

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
from domain.orders.planning import Pick as WarehousePick
from domain.orders.status import lock_order, refresh_status
from domain.routing import suppliers
from domain.routing.decision import Candidate, Decision, LineDecision, Pick, Verdict
from domain.routing.models import DecisionKind
from domain.routing.orders import record
from domain.routing.rule_sets import active_rule_set
from domain.routing.rules import SourceKind, SourceRef
from tenants.models import Supplier
from tenants.unit_of_work import TenantUnitOfWork
from tenants.validation import clean_text

REASON_MAX = 500
OVERRIDE_RULE = "manual override"


@dataclass(frozen=True)
class Target:
    """Where the units go, and the field that named it."""

    source: SourceRef
    code: str
    field: str


def override_source(
    uow: TenantUnitOfWork,
    fulfillment_id: uuid.UUID,
    reason: str,
    *,
    warehouse_id: uuid.UUID | None = None,
    supplier_id: uuid.UUID | None = None,
) -> tuple[FulfillmentOrder, Order]:
    """Move a fulfillment order to a warehouse (or merchant location) or a supplier; the
    fulfillment order now serving the units, and the order."""
    reason = clean_text(reason, "reason", REASON_MAX)
    found = uow.get_or_not_found(FulfillmentOrder, fulfillment_id, "fulfillment order")
    target = (
        _supplier_target(uow, supplier_id)
        if supplier_id is not None
        else _warehouse_target(uow, found, warehouse_id)
    )
    if found.warehouse_id is None:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            "A supplier's fulfillment order is re-routed by rejecting it.",
            "id",
        )
    if target.source.id == found.warehouse_id:
        raise DomainError(
            DomainErrorCode.INVALID, "The fulfillment order is there already.", target.field
        )
    products = uow.scalars(
        uow.select(FulfillmentOrderLine, FulfillmentOrderLine.product_id).where(
            FulfillmentOrderLine.fulfillment_order_id == found.id
        )
    ).all()
    # Locks in the ledger's order: levels, supplier stock, then order, then fulfillment order.
    places = [found.warehouse_id] + ([] if target.source.is_supplier else [target.source.id])
    levels = ledger.lock_levels(uow, products, places)
    offered = (
        suppliers.offers(uow, found.client_id, products, lock=True)[1]
        if target.source.is_supplier
        else {}
    )
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
    before: dict[uuid.UUID, int] = {}
    for line in fo_lines:
        if target.source.is_supplier:
            available = offered.get((line.product_id, target.source), 0)
        else:
            level = levels.get((line.product_id, target.source.id))
            available = level.available if level else 0
        before[line.id] = max(available, 0)
        if available < line.quantity:
            raise DomainError(
                DomainErrorCode.INSUFFICIENT_STOCK,
                f"{target.code} has {max(available, 0)} of a product the fulfillment order "
                f"ships {line.quantity} of.",
                target.field,
            )
    order_lines = {
        line.id: line
        for line in uow.scalars(uow.select(OrderLine).where(OrderLine.order_id == order.id))
    }
    old = _place(uow, fo.warehouse_id)
    _release(uow, fo, fo_lines, order_lines, levels, order.id, reason)
    if target.source.is_supplier:
        by_number = {line.line_number: line for line in order_lines.values()}
        picks = [
            Pick(order_lines[line.order_line_id].line_number, line.product_id, target.source,
                 line.quantity)
            for line in fo_lines
        ]  # fmt: skip
        suppliers.assign(uow, order, by_number, picks)
    else:
        allocate_picks(
            uow,
            order,
            list(order_lines.values()),
            levels,
            [
                WarehousePick(line.order_line_id, line.product_id, target.source.id, line.quantity)
                for line in fo_lines
            ],
        )
    decision = _decision(uow, order, fo_lines, order_lines, old, target, before)
    record(uow, order, decision, DecisionKind.OVERRIDE, reason=reason, fulfillment_order_id=fo.id)
    refresh_status(uow, order)
    column = (
        FulfillmentOrder.supplier_id if target.source.is_supplier else FulfillmentOrder.warehouse_id
    )
    moved = uow.scalars(
        uow.select(FulfillmentOrder)
        .where(
            FulfillmentOrder.order_id == order.id,
            column == target.source.id,
            FulfillmentOrder.status == FulfillmentStatus.ALLOCATED,
        )
        .order_by(FulfillmentOrder.created_at.desc(), FulfillmentOrder.id.desc())
        .limit(1)
    ).one()
    return moved, order


def _release(
    uow: TenantUnitOfWork,
    fo: FulfillmentOrder,
    fo_lines: list[FulfillmentOrderLine],
    order_lines: dict[uuid.UUID, OrderLine],
    levels: dict,
    order_id: uuid.UUID,
    reason: str,
) -> None:
    for line in fo_lines:
        ledger.post(
            uow,
            levels[(line.product_id, fo.warehouse_id)],
            MovementKind.RELEASE,
            allocated=-line.quantity,
            reason="re-routed",
            note=reason,
            reference=ledger.Reference("order", order_id),
        )
        order_lines[line.order_line_id].allocated_quantity -= line.quantity
    fo.status = FulfillmentStatus.CANCELLED
    uow.flush()


def _place(uow: TenantUnitOfWork, warehouse_id: uuid.UUID) -> tuple[SourceRef, str]:
    row = uow.get(Warehouse, warehouse_id)
    merchant = row is not None and row.kind is WarehouseKind.MERCHANT_LOCATION
    kind = SourceKind.MERCHANT_LOCATION if merchant else SourceKind.WAREHOUSE
    return SourceRef(kind, warehouse_id), row.code if row else ""


def _warehouse_target(
    uow: TenantUnitOfWork, fo: FulfillmentOrder, warehouse_id: uuid.UUID | None
) -> Target:
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
    kind = SourceKind.MERCHANT_LOCATION if target.client_id else SourceKind.WAREHOUSE
    return Target(SourceRef(kind, target.id), target.code, "warehouseId")


def _supplier_target(uow: TenantUnitOfWork, supplier_id: uuid.UUID) -> Target:
    if not uow.scope.is_provider:
        raise DomainError(
            DomainErrorCode.FORBIDDEN,
            "A client re-routes only to its own merchant locations.",
            "supplierId",
        )
    supplier = uow.get(Supplier, supplier_id)
    if supplier is None:
        raise not_found("supplier", "supplierId")
    if supplier.archived_at is not None:
        raise DomainError(DomainErrorCode.ARCHIVED, "The supplier is archived.", "supplierId")
    return Target(SourceRef(SourceKind.SUPPLIER, supplier.id), supplier.code, "supplierId")


def _decision(
    uow: TenantUnitOfWork,
    order: Order,
    fo_lines: list[FulfillmentOrderLine],
    order_lines: dict[uuid.UUID, OrderLine],
    old: tuple[SourceRef, str],
    target: Target,
    before: dict[uuid.UUID, int],
) -> Decision:
    lines = []
    for line in fo_lines:
        order_line = order_lines[line.order_line_id]
        lines.append(
            LineDecision(
                line_number=order_line.line_number,
                sku=order_line.sku,
                product_id=line.product_id,
                quantity=line.quantity,
                candidates=(
                    Candidate(old[0], old[1], line.quantity, 0, Verdict.OVERRIDDEN),
                    Candidate(
                        target.source, target.code, before[line.id], line.quantity, Verdict.MANUAL
                    ),
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
