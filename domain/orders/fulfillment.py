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
    FulfillmentOrder,
    FulfillmentOrderLine,
    FulfillmentStatus,
    Order,
    OrderLine,
    OrderStatus,
)
from domain.orders.states import check_step
from domain.orders.status import lock_order, refresh_status
from domain.outbox.events import Topic
from persistence.base import utcnow
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
    """The carrier has the parcel: stock leaves the warehouse (SHIPMENT movements)."""
    carrier = clean_text(carrier, "carrier", CARRIER_MAX)
    tracking_number = clean_text(tracking_number, "trackingNumber", TRACKING_MAX)
    fo, order = _advance(uow, fulfillment_id, FulfillmentStatus.SHIPPED)
    fo.carrier = carrier
    fo.tracking_number = tracking_number
    fo.shipped_at = utcnow()
    events.fulfillment_changed(uow, fo, Topic.FULFILLMENT_SHIPPED)
    return fo, order


def mark_exception(
    uow: TenantUnitOfWork, fulfillment_id: uuid.UUID, reason: str, code: str | None
) -> Step:
    """Dispatch failed for good: the fulfillment order and its order wait for an operator."""
    fo, order = _advance(uow, fulfillment_id, FulfillmentStatus.EXCEPTION)
    events.order_exception(uow, order, fo, reason, code)
    return fo, order


def mark_delivered(uow: TenantUnitOfWork, fulfillment_id: uuid.UUID) -> Step:
    """The carrier reports the parcel delivered."""
    fo, order = _advance(uow, fulfillment_id, FulfillmentStatus.DELIVERED)
    fo.delivered_at = utcnow()
    return fo, order


def _advance(uow: TenantUnitOfWork, fulfillment_id: uuid.UUID, target: FulfillmentStatus) -> Step:
    found = uow.get_or_not_found(FulfillmentOrder, fulfillment_id, "fulfillment order")
    if not uow.scope.is_provider and not _own_location(uow, found):
        raise DomainError(DomainErrorCode.FORBIDDEN, "Only the provider runs fulfilment.", "id")
    if found.supplier_id is not None:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            "A drop-ship supplier fulfils this fulfillment order; it acknowledges and ships it.",
            "id",
        )
    levels: dict[ledger.LevelKey, InventoryLevel] = {}
    if target is FulfillmentStatus.SHIPPED:
        # Locks in the ledger's order first (levels, then order, then fulfillment order).
        products = uow.scalars(
            uow.select(OrderLine, OrderLine.product_id).where(OrderLine.order_id == found.order_id)
        ).all()
        levels = ledger.lock_levels(uow, products, [found.warehouse_id])
    order = lock_order(uow, found.order_id)
    assert order is not None
    fo = uow.scalars(
        uow.select(FulfillmentOrder)
        .where(FulfillmentOrder.id == fulfillment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    check_step(fo.status, target)
    if target in HELD_STEPS and order.status is OrderStatus.ON_HOLD:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            f"The order is ON_HOLD; release its holds before the fulfillment order "
            f"(now {fo.status.name}) can become {target.name}.",
            "id",
        )
    if target is FulfillmentStatus.SHIPPED:
        _ship_stock(uow, fo, levels)
    fo.status = target
    fo.updated_at = utcnow()
    refresh_status(uow, order)
    return fo, order


def _ship_stock(
    uow: TenantUnitOfWork,
    fo: FulfillmentOrder,
    levels: dict[ledger.LevelKey, InventoryLevel],
) -> None:
    lines = uow.scalars(
        uow.select(FulfillmentOrderLine)
        .where(FulfillmentOrderLine.fulfillment_order_id == fo.id)
        .order_by(FulfillmentOrderLine.product_id)
    )
    for line in lines:
        ledger.post(
            uow,
            levels[(line.product_id, fo.warehouse_id)],
            MovementKind.SHIPMENT,
            on_hand=-line.quantity,
            allocated=-line.quantity,
            reason="order shipped",
            reference=ledger.Reference("fulfillment_order", fo.id),
        )


def _own_location(uow: TenantUnitOfWork, fo: FulfillmentOrder) -> bool:
    # A client fulfils by hand what is routed to its own merchant location, nothing else.
    if uow.scope.client_id is None or fo.warehouse_id is None:
        return False
    location = uow.get(Warehouse, fo.warehouse_id)
    return location is not None and location.client_id == uow.scope.client_id
