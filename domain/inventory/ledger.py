"""The one way stock changes: lock the levels, apply deltas, append the ledger row.

Levels are locked with SELECT ... FOR UPDATE in a fixed order (product, then
warehouse), so concurrent allocations queue on the rows instead of overselling
or deadlocking; SQLite gets the same effect from its database-wide write lock.
A CHECK constraint on the level (available >= 0) backs this up in the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from domain.errors import DomainError, DomainErrorCode
from domain.inventory.models import InventoryLevel, InventoryMovement, MovementKind
from domain.limits import check_stock_level
from domain.outbox.events import Topic, record
from persistence.base import new_id, utcnow
from tenants.unit_of_work import TenantUnitOfWork

LevelKey = tuple[uuid.UUID, uuid.UUID]
"""(product_id, warehouse_id)"""


@dataclass(frozen=True)
class Reference:
    """What a movement was for: an order, an inbound shipment, a count..."""

    type: str
    id: uuid.UUID | None = None


def lock_levels(
    uow: TenantUnitOfWork,
    product_ids: Iterable[uuid.UUID],
    warehouse_ids: Iterable[uuid.UUID] | None = None,
) -> dict[LevelKey, InventoryLevel]:
    """The existing levels of these products (in these warehouses), locked until commit."""
    products = sorted(set(product_ids))
    if not products:
        return {}
    stmt = uow.select(InventoryLevel).where(InventoryLevel.product_id.in_(products))
    if warehouse_ids is not None:
        stmt = stmt.where(InventoryLevel.warehouse_id.in_(sorted(set(warehouse_ids))))
    stmt = stmt.order_by(InventoryLevel.product_id, InventoryLevel.warehouse_id).with_for_update()
    levels = uow.scalars(stmt.execution_options(populate_existing=True))
    return {(level.product_id, level.warehouse_id): level for level in levels}


def ensure_level(
    uow: TenantUnitOfWork,
    client_id: uuid.UUID,
    product_id: uuid.UUID,
    warehouse_id: uuid.UUID,
) -> InventoryLevel:
    """The level of a product in a warehouse, created empty if missing, locked until commit."""
    values = {
        "provider_id": uow.scope.provider_id,
        "product_id": product_id,
        "warehouse_id": warehouse_id,
        "client_id": client_id,
        "on_hand": 0,
        "allocated": 0,
        "unsellable": 0,
        "incoming": 0,
        "updated_at": utcnow(),
    }
    dialect = uow.session.get_bind().dialect.name
    if dialect == "postgresql":
        uow.execute(pg_insert(InventoryLevel).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        uow.execute(sqlite_insert(InventoryLevel).values(values).on_conflict_do_nothing())
    else:  # pragma: no cover - only the two supported databases
        uow.execute(insert(InventoryLevel).values(values))
    return lock_levels(uow, [product_id], [warehouse_id])[(product_id, warehouse_id)]


def post(
    uow: TenantUnitOfWork,
    level: InventoryLevel,
    kind: MovementKind,
    *,
    on_hand: int = 0,
    allocated: int = 0,
    unsellable: int = 0,
    incoming: int = 0,
    reason: str | None = None,
    note: str | None = None,
    reference: Reference | None = None,
) -> InventoryMovement:
    """Apply deltas to a locked level and append the ledger row; refuse to go negative, or
    past MAX_STOCK_LEVEL."""
    after = {
        "on_hand": level.on_hand + on_hand,
        "allocated": level.allocated + allocated,
        "unsellable": level.unsellable + unsellable,
        "incoming": level.incoming + incoming,
    }
    if min(after.values()) < 0 or after["on_hand"] - after["allocated"] - after["unsellable"] < 0:
        raise DomainError(
            DomainErrorCode.INSUFFICIENT_STOCK,
            f"Not enough stock: {level.available} available, {level.on_hand} on hand.",
            "quantity",
        )
    check_stock_level(after)
    for bucket, value in after.items():
        setattr(level, bucket, value)
    movement = InventoryMovement(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        client_id=level.client_id,
        product_id=level.product_id,
        warehouse_id=level.warehouse_id,
        kind=kind,
        on_hand_delta=on_hand,
        allocated_delta=allocated,
        unsellable_delta=unsellable,
        incoming_delta=incoming,
        reason=reason,
        note=note,
        actor=uow.scope.actor,
        reference_type=reference.type if reference else None,
        reference_id=reference.id if reference else None,
    )
    uow.add(movement)
    record(
        uow,
        Topic.STOCK_CHANGED,
        aggregate_type="inventory_level",
        aggregate_id=level.product_id,
        client_id=level.client_id,
        payload={
            "product_id": str(level.product_id),
            "warehouse_id": str(level.warehouse_id),
            "client_id": str(level.client_id),
            "movement_id": str(movement.id),
            "kind": kind.value,
            "reason": reason,
            "on_hand": level.on_hand,
            "allocated": level.allocated,
            "unsellable": level.unsellable,
            "available": level.available,
            "incoming": level.incoming,
        },
    )
    return movement
