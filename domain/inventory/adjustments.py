"""Stock adjustments with a reason, and cycle counts: the provider's corrections of stock.

`quantity` is the signed change of the stock the reason is about. Each reason moves
fixed buckets and allows one direction (or both, for a correction):

| reason              | quantity | on_hand | unsellable | pool            |
|---------------------|----------|---------|------------|-----------------|
| found               | > 0      | +q      |            |                 |
| lost                | < 0      | +q      |            |                 |
| correction          | != 0     | +q      |            |                 |
| damaged             | > 0      |         | +q         | damaged         |
| disposed            | < 0      | +q      | +q         | damaged         |
| quality_control_in  | > 0      |         | +q         | quality_control |
| quality_control_out | < 0      |         | +q         | quality_control |

Damaged units stay on hand (they are still on the shelf) but stop being available
until disposed of; units held for quality control go back to sale when released.
Each movement keeps its reason, so the unsellable units of each pool are the sums
of the ledger (`unsellable_by_pool`), and a pool can never be released below zero.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func

from domain.catalog.service import find_place_for, find_product, lock_live
from domain.catalog.validation import non_negative, optional_text
from domain.clients import require_provider
from domain.errors import DomainError, DomainErrorCode
from domain.inventory.ledger import Reference, ensure_level, lock_levels, post
from domain.inventory.models import InventoryLevel, InventoryMovement, MovementKind
from domain.limits import check_quantity, check_stock_level
from tenants.unit_of_work import TenantUnitOfWork

NOTE_MAX = 500
COUNT_REASON = "cycle_count"


class AdjustmentReason(StrEnum):
    """Why the provider changes stock by hand."""

    FOUND = "found"
    LOST = "lost"
    CORRECTION = "correction"
    DAMAGED = "damaged"
    DISPOSED = "disposed"
    QUALITY_CONTROL_IN = "quality_control_in"
    QUALITY_CONTROL_OUT = "quality_control_out"


@dataclass(frozen=True)
class ReasonRule:
    """Which direction a reason allows and which buckets it moves."""

    sign: int
    """+1 or -1: the only direction allowed; 0: either."""
    on_hand: bool
    unsellable: bool
    pool: str | None = None


RULES: dict[AdjustmentReason, ReasonRule] = {
    AdjustmentReason.FOUND: ReasonRule(+1, on_hand=True, unsellable=False),
    AdjustmentReason.LOST: ReasonRule(-1, on_hand=True, unsellable=False),
    AdjustmentReason.CORRECTION: ReasonRule(0, on_hand=True, unsellable=False),
    AdjustmentReason.DAMAGED: ReasonRule(+1, on_hand=False, unsellable=True, pool="damaged"),
    AdjustmentReason.DISPOSED: ReasonRule(-1, on_hand=True, unsellable=True, pool="damaged"),
    AdjustmentReason.QUALITY_CONTROL_IN: ReasonRule(
        +1, on_hand=False, unsellable=True, pool="quality_control"
    ),
    AdjustmentReason.QUALITY_CONTROL_OUT: ReasonRule(
        -1, on_hand=False, unsellable=True, pool="quality_control"
    ),
}


@dataclass(frozen=True)
class StockChange:
    """A level after a change, and the ledger row that made it (None when nothing moved).

    `freed` says units became available: orders waiting for the product should take them
    before the next new order does (`services.stock` sees to it).
    """

    level: InventoryLevel
    movement: InventoryMovement | None
    freed: bool = False


def adjust(
    uow: TenantUnitOfWork,
    product_id: uuid.UUID,
    warehouse_id: uuid.UUID,
    quantity: int,
    reason: AdjustmentReason,
    note: str | None = None,
) -> StockChange:
    """Change stock by `quantity` for `reason` (see the module's table)."""
    require_provider(uow.scope)
    rule = RULES[reason]
    _check_direction(quantity, rule, reason)
    check_quantity(quantity, "quantity")
    note = optional_text(note, "note", NOTE_MAX)
    level = _level(uow, product_id, warehouse_id)
    if rule.pool is not None and quantity < 0:
        held = unsellable_by_pool(uow, product_id, warehouse_id).get(rule.pool, 0)
        if held + quantity < 0:
            raise DomainError(
                DomainErrorCode.INSUFFICIENT_STOCK,
                f"Only {held} units are unsellable as {rule.pool}.",
                "quantity",
            )
    before = level.available
    movement = post(
        uow,
        level,
        MovementKind.ADJUSTMENT,
        on_hand=quantity if rule.on_hand else 0,
        unsellable=quantity if rule.unsellable else 0,
        reason=reason.value,
        note=note,
    )
    return StockChange(level, movement, _freed(uow, level, before))


def record_count(
    uow: TenantUnitOfWork,
    product_id: uuid.UUID,
    warehouse_id: uuid.UUID,
    counted: int,
    note: str | None = None,
) -> StockChange:
    """Set on-hand stock to what was counted; the difference is one COUNT movement, if any.

    A count below what is allocated or unsellable is refused: release those first.
    """
    require_provider(uow.scope)
    counted = non_negative(counted, "countedQuantity")
    check_stock_level({"on_hand": counted}, "countedQuantity")
    note = optional_text(note, "note", NOTE_MAX)
    level = _level(uow, product_id, warehouse_id)
    difference = counted - level.on_hand
    if difference == 0:
        return StockChange(level, None)
    before = level.available
    movement = post(
        uow,
        level,
        MovementKind.COUNT,
        on_hand=difference,
        reason=COUNT_REASON,
        note=note,
        reference=Reference("cycle_count"),
    )
    return StockChange(level, movement, _freed(uow, level, before))


def unsellable_by_pool(
    uow: TenantUnitOfWork, product_id: uuid.UUID, warehouse_id: uuid.UUID
) -> dict[str, int]:
    """Unsellable units of one level per pool, summed from the ledger."""
    stmt = (
        uow.select(
            InventoryMovement,
            InventoryMovement.reason,
            func.sum(InventoryMovement.unsellable_delta),
        )
        .where(
            InventoryMovement.product_id == product_id,
            InventoryMovement.warehouse_id == warehouse_id,
            InventoryMovement.unsellable_delta != 0,
        )
        .group_by(InventoryMovement.reason)
    )
    pools: dict[str, int] = {}
    for reason, total in uow.execute(stmt):
        pool = _pool_of(reason)
        pools[pool] = pools.get(pool, 0) + int(total)
    return {pool: total for pool, total in pools.items() if total}


def _pool_of(reason: str | None) -> str:
    try:
        rule = RULES[AdjustmentReason(reason)]
    except ValueError:
        return reason or "other"
    return rule.pool or "other"


def _check_direction(quantity: int, rule: ReasonRule, reason: AdjustmentReason) -> None:
    if quantity == 0:
        raise DomainError(DomainErrorCode.INVALID, "quantity must not be zero.", "quantity")
    if rule.sign and (quantity > 0) != (rule.sign > 0):
        direction = "above" if rule.sign > 0 else "below"
        raise DomainError(
            DomainErrorCode.INVALID,
            f"A {reason.value} adjustment takes a quantity {direction} zero.",
            "quantity",
        )


def _freed(uow: TenantUnitOfWork, level: InventoryLevel, available_before: int) -> bool:
    uow.flush()
    return level.available > available_before


def _level(uow: TenantUnitOfWork, product_id: uuid.UUID, warehouse_id: uuid.UUID) -> InventoryLevel:
    product = find_product(uow, product_id, "productId")
    warehouse = find_place_for(uow, warehouse_id, product.client_id, "warehouseId")
    lock_live(uow, {product.id: "productId"}, {warehouse.id: "warehouseId"})
    # Lock the product's levels in every warehouse first, in the ledger's global order: serving
    # backorders afterwards locks them all, and taking this one alone first would invert it.
    lock_levels(uow, [product.id])
    return ensure_level(uow, product.client_id, product.id, warehouse.id)
