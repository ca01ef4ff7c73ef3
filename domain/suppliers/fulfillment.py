"""The supplier's steps on a fulfillment order routed to it: acknowledge, reject, ship.

A supplier key (or the provider acting for it) finds the fulfillment order through its own
scope, so another supplier's answers NOT_FOUND; the rest runs in the provider's view of the
same transaction, because the order and its lines are not the supplier's to read. Locks
follow cancellation's order: the order, then the fulfillment order, then supplier stock.
"""

from __future__ import annotations

import uuid

from domain.errors import DomainError, DomainErrorCode
from domain.orders import events
from domain.orders.models import (
    ExceptionReason,
    FulfillmentOrder,
    FulfillmentOrderLine,
    FulfillmentStatus,
    Order,
    OrderLine,
    OrderStatus,
    RejectionReason,
)
from domain.orders.status import lock_order, refresh_status
from domain.outbox.events import Topic
from domain.suppliers import stock
from domain.suppliers.assignment import release_supplier_lines
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork
from tenants.validation import clean_text

CARRIER_MAX = 64
TRACKING_MAX = 64
NOTE_MAX = 500
OPEN = frozenset({FulfillmentStatus.ALLOCATED, FulfillmentStatus.EXCEPTION})
"""States in which a supplier can still act on its fulfillment order."""

Step = tuple[FulfillmentOrder, Order]


def acknowledge(uow: TenantUnitOfWork, fulfillment_id: uuid.UUID) -> Step:
    """The supplier accepts the work; a second acknowledgement changes nothing."""
    view, fo, order = open_work(uow, fulfillment_id, "acknowledged")
    if fo.acknowledged_at is not None:
        return fo, order
    fo.acknowledged_at = utcnow()
    if fo.exception_reason is ExceptionReason.ACKNOWLEDGE_OVERDUE:
        fo.status = FulfillmentStatus.ALLOCATED  # late, but answered: the exception is over
        fo.exception_reason = None
    fo.updated_at = utcnow()
    events.fulfillment_changed(view, fo, Topic.FULFILLMENT_ACKNOWLEDGED)
    refresh_status(view, order)
    return fo, order


def reject(
    uow: TenantUnitOfWork,
    fulfillment_id: uuid.UUID,
    reason: RejectionReason,
    note: str | None = None,
) -> Step:
    """The supplier turns the work down: its units go back to its stock, the lines wait.

    The caller (services.suppliers) routes the lines on afterwards.
    """
    note = clean_text(note, "note", NOTE_MAX, required=False) or None
    view, fo, order = open_work(uow, fulfillment_id, "rejected")
    lines = release_supplier_lines(view, fo, "fulfillment order rejected")
    _unallocate(view, lines)
    now = utcnow()
    fo.status = FulfillmentStatus.CANCELLED
    fo.rejected_at, fo.rejection_reason, fo.rejection_note = now, reason, note
    fo.updated_at = now
    events.fulfillment_changed(view, fo, Topic.FULFILLMENT_REJECTED)
    refresh_status(view, order)
    return fo, order


def ship(
    uow: TenantUnitOfWork, fulfillment_id: uuid.UUID, carrier: str, tracking_number: str
) -> Step:
    """The supplier handed the parcel to a carrier; shipping twice is refused."""
    carrier = clean_text(carrier, "carrier", CARRIER_MAX)
    tracking_number = clean_text(tracking_number, "trackingNumber", TRACKING_MAX)
    view, fo, order = open_work(uow, fulfillment_id, "shipped")
    if order.status is OrderStatus.ON_HOLD:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            "The order is ON_HOLD; it ships once its holds are released.",
            "id",
        )
    ship_lines(view, fo, order, carrier, tracking_number)
    return fo, order


def ship_lines(
    uow: TenantUnitOfWork, fo: FulfillmentOrder, order: Order, carrier: str, tracking_number: str
) -> None:
    """Ship a locked supplier fulfillment order's units from the supplier's stock, with the
    carrier and tracking number (the supplier's own, or a label's)."""
    assert fo.supplier_id is not None
    reference = stock.Reference("fulfillment_order", fo.id)
    units = 0
    for line in _lines(uow, fo.id):
        stock.ship(uow, fo.supplier_id, line.product_id, line.quantity, reference)
        units += line.quantity
    now = utcnow()
    fo.status = FulfillmentStatus.SHIPPED
    fo.exception_reason = None
    fo.carrier, fo.tracking_number = carrier, tracking_number
    fo.shipped_at = now
    fo.acknowledged_at = fo.acknowledged_at or now
    fo.updated_at = now
    events.fulfillment_changed(uow, fo, Topic.FULFILLMENT_SHIPPED, units=units)
    refresh_status(uow, order)


def open_work(
    uow: TenantUnitOfWork, fulfillment_id: uuid.UUID, action: str
) -> tuple[TenantUnitOfWork, FulfillmentOrder, Order]:
    """The caller's supplier fulfillment order, still open, locked after its order; with the
    provider's view of the transaction. Refused for another's, a closed or a refused one."""
    found = uow.get_or_not_found(FulfillmentOrder, fulfillment_id, "fulfillment order")
    if found.supplier_id is None:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            "A warehouse serves this fulfillment order; only a supplier's can be " + action + ".",
            "id",
        )
    if not (uow.scope.is_provider or uow.scope.supplier_id == found.supplier_id):
        raise DomainError(
            DomainErrorCode.FORBIDDEN, "Only its supplier or the provider may do this.", "id"
        )
    view = uow.provider_view()
    order = lock_order(view, found.order_id)
    assert order is not None
    fo = view.get(FulfillmentOrder, fulfillment_id, lock=True)
    assert fo is not None
    if fo.status not in OPEN or fo.rejected_at is not None:
        # A refused one may wait in EXCEPTION for another source; it is no longer the supplier's.
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            f"A fulfillment order that is {_state(fo)} cannot be {action}.",
            "id",
        )
    return view, fo, order


def _state(fo: FulfillmentOrder) -> str:
    return "REJECTED" if fo.rejected_at is not None else fo.status.name


def _lines(uow: TenantUnitOfWork, fulfillment_id: uuid.UUID) -> list[FulfillmentOrderLine]:
    return list(
        uow.scalars(
            uow.select(FulfillmentOrderLine)
            .where(FulfillmentOrderLine.fulfillment_order_id == fulfillment_id)
            .order_by(FulfillmentOrderLine.product_id, FulfillmentOrderLine.id)
        )
    )


def _unallocate(uow: TenantUnitOfWork, lines: list[FulfillmentOrderLine]) -> None:
    taken: dict[uuid.UUID, int] = {}
    for line in lines:
        taken[line.order_line_id] = taken.get(line.order_line_id, 0) + line.quantity
    if not taken:
        return
    for order_line in uow.scalars(
        uow.select(OrderLine).where(OrderLine.id.in_(taken)).with_for_update()
    ):
        order_line.allocated_quantity -= taken[order_line.id]
