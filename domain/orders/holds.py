"""Holds: placed by hand or by rules, an order goes no further until every one is released."""

from __future__ import annotations

import uuid

from domain.channels.completion import complete_held_order
from domain.errors import DomainError, DomainErrorCode, not_found
from domain.orders.models import HoldReason, Order, OrderHold, OrderLine, OrderStatus
from domain.orders.states import HOLDABLE, check_order
from domain.orders.status import lock_order, refresh_status
from domain.routing.network import live_places, lock_levels
from domain.routing.reroute import reroute_waiting
from persistence.base import new_id, utcnow
from tenants.unit_of_work import TenantUnitOfWork
from tenants.validation import clean_text

NOTE_MAX = 500
CLIENT_REASONS = frozenset({HoldReason.CLIENT_REQUEST})
"""What a client may hold its own order for; other reasons are the provider's call."""
CLIENT_RELEASABLE = CLIENT_REASONS | {HoldReason.UNMAPPED_SKU}
"""A merchant maps its own SKUs, so it may release what unmapped SKUs held."""
AUTOMATIC_REASONS = frozenset({HoldReason.UNMAPPED_SKU})
"""Placed by imports only: a hold by hand for these would have nothing to re-check."""


def place_hold(
    uow: TenantUnitOfWork,
    order_id: uuid.UUID,
    reason: HoldReason,
    note: str | None = None,
) -> tuple[OrderHold, Order]:
    """Hold an order that has not shipped; its reservations stay, its fulfilment stops."""
    if not uow.scope.is_provider and reason not in CLIENT_REASONS:
        raise DomainError(
            DomainErrorCode.FORBIDDEN,
            "A client may only hold an order as CLIENT_REQUEST.",
            "reason",
        )
    if reason in AUTOMATIC_REASONS:
        raise DomainError(
            DomainErrorCode.INVALID, f"{reason.name} holds are placed by imports only.", "reason"
        )
    note = clean_text(note, "note", NOTE_MAX, required=False) or None
    order = lock_order(uow, order_id)
    if order is None:
        raise not_found("order", "id")
    check_order(order.status, HOLDABLE, "be held")
    hold = OrderHold(
        provider_id=order.provider_id,
        id=new_id(),
        client_id=order.client_id,
        order_id=order.id,
        reason=reason,
        note=note,
        placed_by=uow.scope.actor,
        placed_at=utcnow(),
    )
    uow.add(hold)
    return hold, refresh_status(uow, order)


def release_hold(uow: TenantUnitOfWork, hold_id: uuid.UUID) -> tuple[OrderHold, Order]:
    """Release a hold; with the last one gone the order resumes, taking stock if it waits.

    A client releases only the holds it may place. Releasing twice keeps the first release.
    """
    hold = uow.get_or_not_found(OrderHold, hold_id, "order hold")
    if not uow.scope.is_provider and hold.reason not in CLIENT_RELEASABLE:
        raise DomainError(
            DomainErrorCode.FORBIDDEN, "Only the provider can release this hold.", "id"
        )
    if hold.reason is HoldReason.UNMAPPED_SKU and hold.released_at is None:
        complete_held_order(uow, hold.order_id)  # re-validates: refused while a SKU is unmapped
    waiting = _waiting_products(uow, hold.order_id)
    places = live_places(uow, [hold.client_id])
    levels = lock_levels(uow, waiting, places)
    order = lock_order(uow, hold.order_id)
    assert order is not None
    hold = uow.scalars(
        uow.select(OrderHold)
        .where(OrderHold.id == hold_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if hold.released_at is not None:
        return hold, order
    hold.released_by = uow.scope.actor
    hold.released_at = utcnow()
    refresh_status(uow, order)
    if order.status is not OrderStatus.ON_HOLD and order.cancelled_at is None:
        reroute_waiting(uow, [order], waiting, levels, places)
    return hold, order


def _waiting_lines(uow: TenantUnitOfWork, order_id: uuid.UUID) -> list[OrderLine]:
    return list(
        uow.scalars(
            uow.select(OrderLine)
            .where(
                OrderLine.order_id == order_id,
                OrderLine.allocated_quantity < OrderLine.quantity,
            )
            .order_by(OrderLine.line_number)
            .execution_options(populate_existing=True)
        )
    )


def _waiting_products(uow: TenantUnitOfWork, order_id: uuid.UUID) -> list[uuid.UUID]:
    return [line.product_id for line in _waiting_lines(uow, order_id)]
