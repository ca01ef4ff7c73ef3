"""The events orders tell the world about, written to the outbox with the change."""

from __future__ import annotations

import uuid

from domain.channels.models import ChannelOrder
from domain.orders.models import FulfillmentOrder, Order, OrderHold, OrderStatus
from domain.outbox.events import Topic, record
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork

MILESTONES = {
    OrderStatus.ALLOCATED: Topic.ORDER_ALLOCATED,
    OrderStatus.PARTIALLY_ALLOCATED: Topic.ORDER_BACKORDERED,
    OrderStatus.BACKORDERED: Topic.ORDER_BACKORDERED,
    OrderStatus.ON_HOLD: Topic.ORDER_HELD,
    OrderStatus.SHIPPED: Topic.ORDER_SHIPPED,
    OrderStatus.DELIVERED: Topic.ORDER_DELIVERED,
    OrderStatus.CANCELLED: Topic.ORDER_CANCELLED,
}
"""Statuses with a topic of their own; any other change is `order.status_changed`."""


def order_payload(order: Order) -> dict[str, object]:
    """What every order event carries."""
    return {
        "order_id": str(order.id),
        "client_id": str(order.client_id),
        "external_reference": order.external_reference,
        "status": order.status.name,
    }


def order_created(
    uow: TenantUnitOfWork, order: Order, channel_connection_id: uuid.UUID | None = None
) -> None:
    """A new order arrived (RECEIVED, whatever status its creation goes on to give it);
    `channel_connection_id` names the shop it was imported from (None: not an import)."""
    extra = {
        "status": OrderStatus.RECEIVED.name,
        "channel_connection_id": _optional(channel_connection_id),
    }
    _order_event(uow, Topic.ORDER_CREATED, order, extra)


def order_status_changed(
    uow: TenantUnitOfWork,
    order: Order,
    previous: OrderStatus,
    units: int,
    lines: int,
    picked: int = 0,
) -> None:
    """The order moved from `previous` to its current status; a shipped order's event says
    how many units it had and how many of them the provider's warehouses `picked`, a held
    order's the holds holding it (`order.held`: each one's reason and unmapped SKUs)."""
    topic = MILESTONES.get(order.status, Topic.ORDER_STATUS_CHANGED)
    if previous is OrderStatus.ON_HOLD and order.status is not OrderStatus.CANCELLED:
        topic = MILESTONES.get(order.status, Topic.ORDER_RELEASED)
    extra: dict[str, object] = {"previous_status": previous.name}
    if order.status is OrderStatus.SHIPPED:
        extra |= {"units": units, "picked_units": picked, "lines": lines}
        extra["shipped_at"] = utcnow().isoformat()
    if order.status is OrderStatus.ON_HOLD:
        extra["holds"] = _holding(uow, order)
    if previous is OrderStatus.ON_HOLD:
        # a held import released counts as imported: say from which shop, as order.created
        extra["channel_connection_id"] = _optional(_imported_from(uow, order))
    _order_event(uow, topic, order, extra)


def _imported_from(uow: TenantUnitOfWork, order: Order) -> uuid.UUID | None:
    """The channel connection that imported the order; None for any other order."""
    return uow.scalar(
        uow.select(ChannelOrder, ChannelOrder.connection_id).where(
            ChannelOrder.order_id == order.id
        )
    )


def _holding(uow: TenantUnitOfWork, order: Order) -> list[dict[str, object]]:
    """The holds in force on the order, oldest first: id, reason, unmapped channel SKUs."""
    holds = uow.scalars(
        uow.select(OrderHold)
        .where(OrderHold.order_id == order.id, OrderHold.released_at.is_(None))
        .order_by(OrderHold.placed_at, OrderHold.id)
    )
    return [
        {"hold_id": str(hold.id), "reason": hold.reason.name, "unmapped_skus": hold.unmapped_skus}
        for hold in holds
    ]


def fulfillment_changed(
    uow: TenantUnitOfWork, fulfillment: FulfillmentOrder, topic: Topic, **extra: object
) -> None:
    """Something happened to a fulfillment order (routed, packed, shipped...), of any source."""
    record(
        uow,
        topic,
        aggregate_type="fulfillment_order",
        aggregate_id=fulfillment.id,
        client_id=fulfillment.client_id,
        supplier_id=fulfillment.supplier_id,
        payload={
            "fulfillment_order_id": str(fulfillment.id),
            "order_id": str(fulfillment.order_id),
            "client_id": str(fulfillment.client_id),
            "warehouse_id": _optional(fulfillment.warehouse_id),
            "supplier_id": _optional(fulfillment.supplier_id),
            "status": fulfillment.status.name,
            "carrier": fulfillment.carrier,
            "tracking_number": fulfillment.tracking_number,
            "exception_reason": _optional(fulfillment.exception_reason),
            "rejection_reason": _optional(fulfillment.rejection_reason),
        }
        | extra,
    )


def _optional(value: object | None) -> str | None:
    return None if value is None else str(value)


def order_exception(
    uow: TenantUnitOfWork,
    order: Order,
    fulfillment: FulfillmentOrder,
    reason: str,
    code: str | None,
) -> None:
    """A fulfillment order of the order could not be dispatched; `reason` is the carrier's."""
    extra = {"fulfillment_order_id": str(fulfillment.id), "reason": reason, "code": code}
    _order_event(uow, Topic.ORDER_EXCEPTION, order, extra)


def _order_event(
    uow: TenantUnitOfWork, topic: Topic, order: Order, extra: dict[str, object]
) -> None:
    record(
        uow,
        topic,
        aggregate_type="order",
        aggregate_id=order.id,
        client_id=order.client_id,
        payload=order_payload(order) | extra,
    )
