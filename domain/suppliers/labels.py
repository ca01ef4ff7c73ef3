"""A label for a supplier's fulfillment order, bought through the client's carrier accounts.

Instead of reporting its own carrier and tracking, a supplier (or the provider for it) asks
Crossdock for a label. The fulfillment order becomes PACKED and `fulfillment_order.packed`
sends it to carrier dispatch like a warehouse parcel, shipped from the supplier's ship-from
address. The label is the client's shipment, billed as warehouse labels are; recording it
ships the supplier's stock and the fulfillment order, once (`ship_by_label`).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict

from domain.addresses import Address
from domain.errors import DomainError, DomainErrorCode
from domain.orders import events
from domain.orders.models import ExceptionReason, FulfillmentOrder, FulfillmentStatus, OrderStatus
from domain.orders.status import lock_order, refresh_status
from domain.orders.validation import clean_ship_to
from domain.outbox.events import Topic
from domain.shipping.accounts import enabled_accounts
from domain.suppliers.fulfillment import Step, open_work, ship_lines
from persistence.base import utcnow
from tenants.errors import NotFoundError
from tenants.models import Supplier
from tenants.unit_of_work import TenantUnitOfWork

NEXT_STEPS = (
    {
        "mutation": "buySupplierLabel",
        "description": "Ask for a label again once what the carrier refused is fixed "
        "(your ship-from address: setSupplierShipFrom; the customer's: ask the provider).",
    },
    {
        "mutation": "shipSupplierFulfillmentOrder",
        "description": "Ship with your own carrier and report its tracking number.",
    },
    {
        "mutation": "rejectFulfillmentOrder",
        "description": "Turn the work down; the provider routes it elsewhere.",
    },
)
"""What a supplier can do about a refused label, told with `fulfillment_order.label_failed`."""


def set_ship_from(
    uow: TenantUnitOfWork, supplier_id: uuid.UUID | None, address: Address
) -> Supplier:
    """Set where a supplier's parcels leave from: a supplier key for itself, a provider for
    the supplier it names."""
    if uow.scope.supplier_id is not None:
        if supplier_id not in (None, uow.scope.supplier_id):
            raise NotFoundError("supplier", "supplierId")
        supplier_id = uow.scope.supplier_id
    elif not uow.scope.is_provider:
        raise DomainError(DomainErrorCode.FORBIDDEN, "Only suppliers and the provider may.")
    if supplier_id is None:
        raise DomainError(DomainErrorCode.REQUIRED, "Name the supplier.", "supplierId")
    supplier = uow.get(Supplier, supplier_id, lock=True)
    if supplier is None:
        raise NotFoundError("supplier", "supplierId")
    if not (address.name or "").strip() and not (address.company or "").strip():
        address = address.addressed_to(supplier.name)  # the label shows who sends it
    clean = clean_ship_to(address, "address")
    supplier.ship_from = asdict(clean)
    supplier.updated_at = utcnow()
    return supplier


def request_label(uow: TenantUnitOfWork, fulfillment_id: uuid.UUID) -> Step:
    """Ask for a label for the supplier's open fulfillment order: it becomes PACKED and
    carrier dispatch buys the label from the supplier's address."""
    view, fo, order = open_work(uow, fulfillment_id, "labelled")
    if order.status is OrderStatus.ON_HOLD:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            "The order is ON_HOLD; it ships once its holds are released.",
            "id",
        )
    assert fo.supplier_id is not None
    supplier = view.get(Supplier, fo.supplier_id)
    if supplier is None or not supplier.ship_from:
        raise DomainError(
            DomainErrorCode.REQUIRED,
            "Set the supplier's ship-from address first (setSupplierShipFrom).",
            "id",
        )
    if not enabled_accounts(view, fo.client_id):
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            "The client has no carrier account to buy a label with; ship with your own "
            "carrier and report the tracking number.",
            "id",
        )
    now = utcnow()
    fo.status = FulfillmentStatus.PACKED
    fo.exception_reason = None
    fo.acknowledged_at = fo.acknowledged_at or now
    fo.updated_at = now
    events.fulfillment_changed(view, fo, Topic.FULFILLMENT_PACKED)
    refresh_status(view, order)
    return fo, order


def ship_from_of(uow: TenantUnitOfWork, supplier_id: uuid.UUID) -> Address | None:
    """The supplier's ship-from address, addressed to the supplier; None when it has none."""
    supplier = uow.get(Supplier, supplier_id)
    if supplier is None or not supplier.ship_from:
        return None
    origin = Address(**supplier.ship_from)
    return origin if origin.name or origin.company else origin.addressed_to(None, supplier.name)


def ship_by_label(
    uow: TenantUnitOfWork, fulfillment_id: uuid.UUID, carrier: str, tracking_number: str
) -> Step:
    """Dispatch bought the label: the supplier's units and its fulfillment order ship.

    Refused (nothing written) unless the fulfillment order is still PACKED for its label.
    """
    found = uow.get(FulfillmentOrder, fulfillment_id)
    if found is None:
        raise NotFoundError("fulfillment order", "id")
    order = lock_order(uow, found.order_id)
    fo = uow.get(FulfillmentOrder, fulfillment_id, lock=True)
    assert order is not None
    assert fo is not None
    if fo.status is not FulfillmentStatus.PACKED or fo.supplier_id is None:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            f"A fulfillment order that is {fo.status.name} cannot ship on a bought label.",
            "id",
        )
    ship_lines(uow, fo, order, carrier, tracking_number)
    return fo, order


def label_failed(
    uow: TenantUnitOfWork, fulfillment_id: uuid.UUID, reason: str, code: str | None
) -> Step:
    """Dispatch could not buy the label: the fulfillment order waits in EXCEPTION, where its
    supplier may ask again or ship with its own carrier.

    The provider and the client hear `order.exception`; the supplier's own endpoints hear
    `fulfillment_order.label_failed`: the refusal (`code`, `reason`: the carrier's words,
    nothing of the account) and its `NEXT_STEPS`.
    """
    found = uow.get(FulfillmentOrder, fulfillment_id)
    if found is None:
        raise NotFoundError("fulfillment order", "id")
    order = lock_order(uow, found.order_id)
    fo = uow.get(FulfillmentOrder, fulfillment_id, lock=True)
    assert order is not None
    assert fo is not None
    fo.status = FulfillmentStatus.EXCEPTION
    fo.exception_reason = ExceptionReason.DISPATCH_FAILED  # what the supplier reads
    fo.updated_at = utcnow()
    refresh_status(uow, order)  # first, so the event tells the order's new status
    events.order_exception(uow, order, fo, reason, code)
    refusal = {"code": code, "message": reason}
    steps = [dict(step) for step in NEXT_STEPS]
    events.fulfillment_changed(
        uow, fo, Topic.FULFILLMENT_LABEL_FAILED, refusal=refusal, next_steps=steps
    )
    return fo, order


def is_supplier_work(uow: TenantUnitOfWork, fulfillment_id: uuid.UUID) -> bool:
    """Whether a supplier serves this fulfillment order."""
    return (
        uow.scalar(
            uow.select(FulfillmentOrder, FulfillmentOrder.supplier_id).where(
                FulfillmentOrder.id == fulfillment_id
            )
        )
        is not None
    )
