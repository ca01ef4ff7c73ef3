"""Correcting where an order goes, until its parcels are handed to the carrier."""

from __future__ import annotations

import uuid

from domain.addresses import Address
from domain.errors import DomainError, DomainErrorCode, not_found
from domain.orders.models import FulfillmentOrder, FulfillmentStatus, Order
from domain.orders.status import lock_order
from domain.orders.validation import clean_ship_to
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork

EDITABLE = frozenset(
    {FulfillmentStatus.ALLOCATED, FulfillmentStatus.PICKING, FulfillmentStatus.EXCEPTION}
)
"""A packed parcel may be at the carrier's desk already; one in EXCEPTION waits for this fix."""


def update_ship_to(uow: TenantUnitOfWork, order_id: uuid.UUID, ship_to: Address) -> Order:
    """Replace the order's ship-to address; refused once a parcel is packed or shipped."""
    address = clean_ship_to(ship_to)
    order = lock_order(uow, order_id)
    if order is None:
        raise not_found("order", "id")
    if order.cancelled_at is not None:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION, "A cancelled order goes nowhere.", "id"
        )
    statuses = uow.scalars(
        uow.select(FulfillmentOrder, FulfillmentOrder.status).where(
            FulfillmentOrder.order_id == order.id
        )
    ).all()
    stuck = sorted(
        {s.name for s in statuses if s not in EDITABLE and s is not FulfillmentStatus.CANCELLED}
    )
    if stuck:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            f"The address cannot change once a parcel is {' or '.join(stuck)}.",
            "id",
        )
    order.ship_to = address
    order.updated_at = utcnow()
    uow.flush()
    return order
