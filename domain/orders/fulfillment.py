"""The warehouse's steps on a fulfillment order: pick, pack, ship, deliver.

The provider runs them for its warehouses; a client runs them by hand for fulfillment
orders routed to its own merchant locations.
"""

from __future__ import annotations

import uuid

from domain.catalog.models import Warehouse
from domain.errors import DomainError, DomainErrorCode
from domain.inventory import ledger
from domain.inventory.models import InventoryLevel, MovementKind
from domain.orders import events
from domain.orders.models import (
    ExceptionReason,
    FulfillmentOrder,
    FulfillmentOrderLine,
    FulfillmentStatus,
    Order,
    OrderStatus,
)
from domain.orders.states import check_step
from domain.orders.status import refresh_status
from domain.outbox.events import Topic
from persistence.base import utcnow
from tenants.errors import NotFoundError
from tenants.unit_of_work import TenantUnitOfWork
from tenants.validation import clean_text

CARRIER_MAX = 64
TRACKING_MAX = 64
HELD_STEPS = frozenset(
    {FulfillmentStatus.PICKING, FulfillmentStatus.PACKED, FulfillmentStatus.SHIPPED}
)
"""Steps a hold on the order stops."""

Step = tuple[FulfillmentOrder, Order]


def start_picking(uow: TenantUnitOfWork, fulfillment_id: uuid.UUID) -> Step:
    """The warehouse starts picking the fulfillment order."""
    return _advance(uow, fulfillment_id, FulfillmentStatus.PICKING)


def mark_packed(uow: TenantUnitOfWork, fulfillment_id: uuid.UUID) -> Step:
    """Everything is picked and packed, ready for the carrier (dispatch listens for this)."""
    fo, order = _advance(uow, fulfillment_id, FulfillmentStatus.PACKED)
    events.fulfillment_changed(uow, fo, Topic.FULFILLMENT_PACKED)
    return fo, order


def mark_shipped(
    uow: TenantUnitOfWork,
    fulfillment_id: uuid.UUID,
    carrier: str,
    tracking_number: str,
) -> Step:
    """The carrier has the parcel: stock leaves the warehouse (SHIPMENT movements).

    Locks in the ledger's order (levels, then the order, then the fulfillment order), and
    stages every write for one flush: one UPDATE of the levels per warehouse, one of the
    fulfillment order, one of the order, one INSERT each of movements and events.
    """
    carrier = clean_text(carrier, "carrier", CARRIER_MAX)
    tracking_number = clean_text(tracking_number, "trackingNumber", TRACKING_MAX)
    shipping = _lock_shipped_levels(uow, fulfillment_id)
    fo, order = _lock_step(uow, fulfillment_id, FulfillmentStatus.SHIPPED)
    ledger.post_many(
        uow,
        [
            ledger.Posting(
                level,
                MovementKind.SHIPMENT,
                on_hand=-quantity,
                allocated=-quantity,
                reason="order shipped",
                reference=ledger.Reference("fulfillment_order", fo.id),
            )
            for level, quantity in shipping
        ],
    )
    now = utcnow()
    fo.status = FulfillmentStatus.SHIPPED
    fo.carrier = carrier
    fo.tracking_number = tracking_number
    fo.shipped_at = now
    fo.updated_at = now
    events.fulfillment_changed(uow, fo, Topic.FULFILLMENT_SHIPPED)
    refresh_status(uow, order, flush=False)
    return fo, order


def mark_exception(
    uow: TenantUnitOfWork, fulfillment_id: uuid.UUID, reason: str, code: str | None
) -> Step:
    """Dispatch failed for good: the fulfillment order and its order wait for an operator."""
    fo, order = _advance(uow, fulfillment_id, FulfillmentStatus.EXCEPTION)
    fo.exception_reason = ExceptionReason.DISPATCH_FAILED  # as a supplier's refused label
    events.order_exception(uow, order, fo, reason, code)
    return fo, order


def mark_delivered(uow: TenantUnitOfWork, fulfillment_id: uuid.UUID) -> Step:
    """The carrier reports the parcel delivered."""
    fo, order = _advance(uow, fulfillment_id, FulfillmentStatus.DELIVERED)
    fo.delivered_at = utcnow()
    return fo, order


def _advance(uow: TenantUnitOfWork, fulfillment_id: uuid.UUID, target: FulfillmentStatus) -> Step:
    fo, order = _lock_step(uow, fulfillment_id, target)
    fo.status = target
    if target is not FulfillmentStatus.EXCEPTION:
        fo.exception_reason = None  # a retried or hand-shipped exception is over
    fo.updated_at = utcnow()
    refresh_status(uow, order)
    return fo, order


def _lock_step(uow: TenantUnitOfWork, fulfillment_id: uuid.UUID, target: FulfillmentStatus) -> Step:
    # The order, then the fulfillment order, locked in one statement, and the step checked.
    locked = uow.execute(
        uow.select(FulfillmentOrder, Order, FulfillmentOrder)
        .join_from(
            Order,
            FulfillmentOrder,
            (FulfillmentOrder.provider_id == Order.provider_id)
            & (FulfillmentOrder.order_id == Order.id),
        )
        .where(FulfillmentOrder.id == fulfillment_id)
        .with_for_update(of=[Order, FulfillmentOrder])  # in this order: the order first
        .execution_options(populate_existing=True)
    ).one_or_none()
    if locked is None:
        raise NotFoundError("fulfillment order", "id")
    order, fo = locked
    if not uow.scope.is_provider and not _own_location(uow, fo):
        raise DomainError(DomainErrorCode.FORBIDDEN, "Only the provider runs fulfilment.", "id")
    if fo.supplier_id is not None:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            "A drop-ship supplier fulfils this fulfillment order; it acknowledges and ships it.",
            "id",
        )
    check_step(fo.status, target)
    if target in HELD_STEPS and order.status is OrderStatus.ON_HOLD:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            f"The order is ON_HOLD; release its holds before the fulfillment order "
            f"(now {fo.status.name}) can become {target.name}.",
            "id",
        )
    return fo, order


def _lock_shipped_levels(
    uow: TenantUnitOfWork, fulfillment_id: uuid.UUID
) -> list[tuple[InventoryLevel, int]]:
    # The levels the fulfillment order's lines ship from, locked in the ledger's order
    # (product, then warehouse), each with the quantity of one line.
    fo, line = FulfillmentOrder, FulfillmentOrderLine
    rows = uow.execute(
        uow.select(InventoryLevel, InventoryLevel, line.quantity)
        .join(
            line,
            (line.provider_id == InventoryLevel.provider_id)
            & (line.product_id == InventoryLevel.product_id),
        )
        .join(
            fo,
            (fo.provider_id == line.provider_id)
            & (fo.id == line.fulfillment_order_id)
            & (fo.warehouse_id == InventoryLevel.warehouse_id),
        )
        .where(line.fulfillment_order_id == fulfillment_id)
        .order_by(InventoryLevel.product_id, InventoryLevel.warehouse_id, line.id)
        .with_for_update(of=InventoryLevel)
        .execution_options(populate_existing=True)
    ).all()
    return [(level, quantity) for level, quantity in rows]


def _own_location(uow: TenantUnitOfWork, fo: FulfillmentOrder) -> bool:
    # A client fulfils by hand what is routed to its own merchant location, nothing else.
    if uow.scope.client_id is None or fo.warehouse_id is None:
        return False
    location = uow.get(Warehouse, fo.warehouse_id)
    return location is not None and location.client_id == uow.scope.client_id
