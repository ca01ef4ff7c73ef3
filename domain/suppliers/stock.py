"""Supplier stock: availability for routing, race-safe reservation, reports and shipments.

Reservation is one conditional UPDATE (``allocated + n`` only where ``on_hand -
allocated >= n``): on PostgreSQL a concurrent reservation waits on the row and
re-checks the condition against the committed value, so no unit is promised twice;
SQLite's database-wide write lock gives the same. A CHECK constraint (available >= 0)
backs this up. Every change appends a movement, so levels always equal the log's sums.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from domain.errors import DomainError, DomainErrorCode
from domain.limits import check_quantity, check_stock_level
from domain.outbox.events import Topic, record
from domain.suppliers.models import (
    SupplierMovementKind,
    SupplierProduct,
    SupplierStock,
    SupplierStockMovement,
)
from persistence.base import new_id, utcnow
from tenants.models import Supplier
from tenants.unit_of_work import TenantUnitOfWork


@dataclass(frozen=True)
class SupplierOffer:
    """What one supplier can ship of one product right now, and on what terms."""

    supplier_id: uuid.UUID
    supplier_code: str
    product_id: uuid.UUID
    available: int
    min_quantity: int
    lead_time_days: int


@dataclass(frozen=True)
class Reference:
    """What a movement was for: a fulfillment order, a CSV upload..."""

    type: str
    id: uuid.UUID | None = None


def supplier_availability(
    uow: TenantUnitOfWork, client_id: uuid.UUID, product_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[SupplierOffer]]:
    """Per product, the offers of the client's active suppliers (one query, by supplier code).

    Only active links of suppliers that are not archived count; a linked product the
    supplier never reported stock for offers 0 units. No rows are locked: `reserve`
    decides for good.
    """
    products = sorted(set(product_ids))
    if not products:
        return {}
    stmt = (
        uow.select(
            SupplierProduct,
            SupplierProduct.supplier_id,
            Supplier.code,
            SupplierProduct.product_id,
            SupplierProduct.min_quantity,
            SupplierProduct.lead_time_days,
            SupplierStock.on_hand,
            SupplierStock.allocated,
        )
        .join(
            Supplier,
            (Supplier.provider_id == SupplierProduct.provider_id)
            & (Supplier.id == SupplierProduct.supplier_id),
        )
        .outerjoin(
            SupplierStock,
            (SupplierStock.provider_id == SupplierProduct.provider_id)
            & (SupplierStock.supplier_id == SupplierProduct.supplier_id)
            & (SupplierStock.product_id == SupplierProduct.product_id),
        )
        .where(
            SupplierProduct.client_id == client_id,
            SupplierProduct.product_id.in_(products),
            SupplierProduct.active.is_(True),
            Supplier.archived_at.is_(None),
        )
        .order_by(SupplierProduct.product_id, Supplier.code)
    )
    offers: dict[uuid.UUID, list[SupplierOffer]] = {}
    for row in uow.execute(stmt):
        available = max((row.on_hand or 0) - (row.allocated or 0), 0)
        offers.setdefault(row.product_id, []).append(
            SupplierOffer(
                supplier_id=row.supplier_id,
                supplier_code=row.code,
                product_id=row.product_id,
                available=available,
                min_quantity=row.min_quantity,
                lead_time_days=row.lead_time_days,
            )
        )
    return offers


def reserve(
    uow: TenantUnitOfWork,
    supplier_id: uuid.UUID,
    product_id: uuid.UUID,
    quantity: int,
    reference: Reference | None = None,
) -> bool:
    """Promise `quantity` units of the supplier's stock, all or nothing; False when short.

    One conditional UPDATE: two callers can never both take the last units.
    """
    if quantity <= 0:
        raise DomainError(DomainErrorCode.NOT_POSITIVE, "quantity must be positive.", "quantity")
    stmt = (
        uow.update(SupplierStock)
        .where(
            SupplierStock.supplier_id == supplier_id,
            SupplierStock.product_id == product_id,
            SupplierStock.on_hand - SupplierStock.allocated >= quantity,
        )
        .values(allocated=SupplierStock.allocated + quantity, updated_at=utcnow())
        .returning(SupplierStock.client_id, SupplierStock.on_hand, SupplierStock.allocated)
        .execution_options(synchronize_session=False)
    )
    row = uow.execute(stmt).first()
    if row is None:
        return False
    _log(
        uow,
        (supplier_id, product_id, row.client_id),
        SupplierMovementKind.ALLOCATION,
        (0, quantity),
        (row.on_hand, row.allocated),
        "fulfillment order",
        reference,
    )
    return True


def release(
    uow: TenantUnitOfWork,
    supplier_id: uuid.UUID,
    product_id: uuid.UUID,
    quantity: int,
    reference: Reference | None = None,
    reason: str = "fulfillment order released",
) -> None:
    """Give back `quantity` promised units (a rejection, a cancellation, a re-route)."""
    _apply(
        uow, supplier_id, product_id, SupplierMovementKind.RELEASE, 0, -quantity, reason, reference
    )


def ship(
    uow: TenantUnitOfWork,
    supplier_id: uuid.UUID,
    product_id: uuid.UUID,
    quantity: int,
    reference: Reference | None = None,
) -> None:
    """Promised units left with the supplier's carrier: on hand and allocated both drop."""
    _apply(
        uow,
        supplier_id,
        product_id,
        SupplierMovementKind.SHIPMENT,
        -quantity,
        -quantity,
        "fulfillment order shipped",
        reference,
    )


def report_available(
    uow: TenantUnitOfWork,
    link: SupplierProduct,
    available: int,
    field: str = "available",
    reference: Reference | None = None,
) -> SupplierStock:
    """The supplier says it can ship `available` more units than already promised to it."""
    check_available(available, field)
    stock = ensure_stock(uow, link)
    delta = stock.allocated + available - stock.on_hand
    if delta:
        _apply(
            uow,
            link.supplier_id,
            link.product_id,
            SupplierMovementKind.REPORT,
            delta,
            0,
            "supplier report",
            reference,
            stock=stock,
            field=field,
        )
    return stock


def check_available(available: object, field: str) -> int:
    """A reported quantity: a whole number from 0 to MAX_QUANTITY."""
    if isinstance(available, bool) or not isinstance(available, int):
        raise DomainError(DomainErrorCode.INVALID, f"{field} must be a whole number.", field)
    if available < 0:
        raise DomainError(DomainErrorCode.INVALID, f"{field} must not be negative.", field)
    return check_quantity(available, field)


def ensure_stock(uow: TenantUnitOfWork, link: SupplierProduct) -> SupplierStock:
    """The stock row of a catalog link, created empty if missing, locked until commit."""
    values = {
        "provider_id": link.provider_id,
        "supplier_id": link.supplier_id,
        "product_id": link.product_id,
        "client_id": link.client_id,
        "on_hand": 0,
        "allocated": 0,
        "updated_at": utcnow(),
    }
    dialect = uow.session.get_bind().dialect.name
    if dialect == "postgresql":
        uow.execute(pg_insert(SupplierStock).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        uow.execute(sqlite_insert(SupplierStock).values(values).on_conflict_do_nothing())
    else:  # pragma: no cover - only the two supported databases
        uow.execute(insert(SupplierStock).values(values))
    stock = _lock(uow, link.supplier_id, link.product_id)
    assert stock is not None
    return stock


def _lock(
    uow: TenantUnitOfWork, supplier_id: uuid.UUID, product_id: uuid.UUID
) -> SupplierStock | None:
    return uow.scalar(
        uow.select(SupplierStock)
        .where(SupplierStock.supplier_id == supplier_id, SupplierStock.product_id == product_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _apply(
    uow: TenantUnitOfWork,
    supplier_id: uuid.UUID,
    product_id: uuid.UUID,
    kind: SupplierMovementKind,
    on_hand: int,
    allocated: int,
    reason: str,
    reference: Reference | None,
    *,
    stock: SupplierStock | None = None,
    field: str = "quantity",
) -> None:
    stock = stock or _lock(uow, supplier_id, product_id)
    if stock is None:
        raise DomainError(
            DomainErrorCode.INSUFFICIENT_STOCK, "The supplier holds none of this product.", field
        )
    after = {"on_hand": stock.on_hand + on_hand, "allocated": stock.allocated + allocated}
    if min(after.values()) < 0 or after["on_hand"] < after["allocated"]:
        raise DomainError(
            DomainErrorCode.INSUFFICIENT_STOCK,
            f"Not enough supplier stock: {stock.available} available, {stock.allocated} promised.",
            field,
        )
    check_stock_level(after, field)
    stock.on_hand, stock.allocated = after["on_hand"], after["allocated"]
    stock.updated_at = utcnow()
    _log(
        uow,
        (supplier_id, product_id, stock.client_id),
        kind,
        (on_hand, allocated),
        (stock.on_hand, stock.allocated),
        reason,
        reference,
    )


def _log(
    uow: TenantUnitOfWork,
    key: tuple[uuid.UUID, uuid.UUID, uuid.UUID],
    kind: SupplierMovementKind,
    deltas: tuple[int, int],
    levels: tuple[int, int],
    reason: str,
    reference: Reference | None,
) -> None:
    supplier_id, product_id, client_id = key
    movement = SupplierStockMovement(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        supplier_id=supplier_id,
        product_id=product_id,
        client_id=client_id,
        kind=kind,
        on_hand_delta=deltas[0],
        allocated_delta=deltas[1],
        reason=reason,
        actor=uow.scope.actor,
        reference_type=reference.type if reference else None,
        reference_id=reference.id if reference else None,
    )
    uow.add(movement)
    record(
        uow,
        Topic.SUPPLIER_STOCK_CHANGED,
        aggregate_type="supplier_stock",
        aggregate_id=product_id,
        client_id=client_id,
        supplier_id=supplier_id,
        payload={
            "supplier_id": str(supplier_id),
            "product_id": str(product_id),
            "client_id": str(client_id),
            "movement_id": str(movement.id),
            "kind": kind.value,
            "on_hand": levels[0],
            "allocated": levels[1],
            "available": levels[0] - levels[1],
        },
    )
