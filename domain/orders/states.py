"""The order state machine: legal fulfillment steps, and how an order's status follows them."""

from __future__ import annotations

from collections.abc import Iterable

from domain.errors import DomainError, DomainErrorCode
from domain.orders.models import FulfillmentStatus, OrderStatus

F = FulfillmentStatus

FULFILLMENT_TRANSITIONS: dict[FulfillmentStatus, frozenset[FulfillmentStatus]] = {
    F.ALLOCATED: frozenset({F.PICKING, F.CANCELLED}),
    F.PICKING: frozenset({F.PACKED, F.CANCELLED}),
    F.PACKED: frozenset({F.SHIPPED, F.CANCELLED, F.EXCEPTION}),
    F.EXCEPTION: frozenset({F.PACKED, F.SHIPPED, F.CANCELLED}),
    F.SHIPPED: frozenset({F.DELIVERED}),
    F.DELIVERED: frozenset(),
    F.CANCELLED: frozenset(),
}
"""Which step may follow which, for one fulfillment order."""

_RANK = {F.ALLOCATED: 0, F.PICKING: 1, F.PACKED: 2, F.SHIPPED: 3, F.DELIVERED: 4}

HOLDABLE: frozenset[OrderStatus] = frozenset(
    {
        OrderStatus.RECEIVED,
        OrderStatus.ON_HOLD,
        OrderStatus.ALLOCATED,
        OrderStatus.PARTIALLY_ALLOCATED,
        OrderStatus.BACKORDERED,
        OrderStatus.PICKING,
        OrderStatus.PACKED,
        OrderStatus.EXCEPTION,
    }
)
"""Statuses in which a hold can still stop an order; after shipping there is nothing to stop."""

CANCELLABLE: frozenset[OrderStatus] = HOLDABLE
"""Statuses in which an order can be cancelled (and no fulfillment order may have shipped)."""

SHIPPED_OR_LATER = frozenset({F.SHIPPED, F.DELIVERED})


def check_step(current: FulfillmentStatus, target: FulfillmentStatus) -> None:
    """Refuse a fulfillment step the table does not allow, naming the current state."""
    if target not in FULFILLMENT_TRANSITIONS[current]:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            f"A fulfillment order that is {current.name} cannot become {target.name}.",
            "id",
        )


def check_order(current: OrderStatus, allowed: frozenset[OrderStatus], action: str) -> None:
    """Refuse an order-level action (`action`: 'be held', 'be cancelled') in the wrong state."""
    if current not in allowed:
        raise DomainError(
            DomainErrorCode.ILLEGAL_TRANSITION,
            f"An order that is {current.name} cannot {action}.",
            "id",
        )


def derive_status(
    *,
    ordered: int,
    allocated: int,
    fulfillment: Iterable[FulfillmentStatus],
    held: bool,
    cancelled: bool,
) -> OrderStatus:
    """An order's status from its allocation, its fulfillment orders and its open holds.

    Holds win over everything before shipping, then a fulfillment order in EXCEPTION;
    otherwise the least advanced live fulfillment order sets the pace, and any started
    one makes the order PICKING.
    SHIPPED and DELIVERED need every unit allocated: a remainder keeps the order waiting.
    """
    if cancelled:
        return OrderStatus.CANCELLED
    if held:
        return OrderStatus.ON_HOLD
    fulfillment = list(fulfillment)
    if F.EXCEPTION in fulfillment:
        return OrderStatus.EXCEPTION
    ranks = [_RANK[status] for status in fulfillment if status is not F.CANCELLED]
    backordered = allocated < ordered
    if not ranks:
        return OrderStatus.BACKORDERED if ordered else OrderStatus.RECEIVED
    least, most = min(ranks), max(ranks)
    if least == _RANK[F.ALLOCATED]:
        if most > least:
            return OrderStatus.PICKING
        return OrderStatus.PARTIALLY_ALLOCATED if backordered else OrderStatus.ALLOCATED
    if least >= _RANK[F.SHIPPED] and backordered:
        return OrderStatus.BACKORDERED
    return {
        _RANK[F.PICKING]: OrderStatus.PICKING,
        _RANK[F.PACKED]: OrderStatus.PACKED,
        _RANK[F.SHIPPED]: OrderStatus.SHIPPED,
        _RANK[F.DELIVERED]: OrderStatus.DELIVERED,
    }[least]
