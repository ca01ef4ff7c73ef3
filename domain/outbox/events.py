"""Recording domain events: one outbox row in the caller's transaction, never a direct publish."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from domain.outbox.models import OutboxEvent
from persistence.base import new_id
from telemetry import request_ids
from tenants.unit_of_work import TenantUnitOfWork


class Topic(StrEnum):
    """What happened. Webhook endpoints and subscriptions select events by these names."""

    ORDER_CREATED = "order.created"
    ORDER_ALLOCATED = "order.allocated"
    ORDER_BACKORDERED = "order.backordered"
    ORDER_HELD = "order.held"
    ORDER_RELEASED = "order.released"
    ORDER_CANCELLED = "order.cancelled"
    ORDER_STATUS_CHANGED = "order.status_changed"
    ORDER_SHIPPED = "order.shipped"
    ORDER_DELIVERED = "order.delivered"
    ORDER_EXCEPTION = "order.exception"
    FULFILLMENT_PACKED = "fulfillment_order.packed"
    FULFILLMENT_SHIPPED = "fulfillment_order.shipped"
    FULFILLMENT_ROUTED = "fulfillment_order.routed"
    """A fulfillment order was routed to a supplier (its "routed to me")."""
    FULFILLMENT_ACKNOWLEDGED = "fulfillment_order.acknowledged"
    FULFILLMENT_REJECTED = "fulfillment_order.rejected"
    FULFILLMENT_OVERDUE = "fulfillment_order.overdue"
    """A supplier missed its acknowledge or ship deadline."""
    FULFILLMENT_LABEL_FAILED = "fulfillment_order.label_failed"
    """The carrier refused a supplier's label (or dispatch gave up): it waits in EXCEPTION."""
    SUPPLIER_STOCK_CHANGED = "supplier_stock.changed"
    STOCK_CHANGED = "stock.changed"
    INBOUND_RECEIVED = "inbound.received"
    SHIPMENT_CREATED = "shipment.created"
    SHIPMENT_TRACKING_UPDATED = "shipment.tracking_updated"
    CHANNEL_SYNC_REQUESTED = "channel.sync_requested"
    CHANNEL_SYNC_FAILED = "channel.sync_failed"
    CHANNEL_IMPORT_FAILED = "channel.import_failed"
    """A channel's order could not be imported (unreadable, or refused as an order)."""


SUPPLIER_TOPICS = frozenset(
    topic.value
    for topic in (
        Topic.FULFILLMENT_ROUTED,
        Topic.FULFILLMENT_ACKNOWLEDGED,
        Topic.FULFILLMENT_REJECTED,
        Topic.FULFILLMENT_OVERDUE,
        Topic.FULFILLMENT_LABEL_FAILED,
        Topic.FULFILLMENT_SHIPPED,
        Topic.SUPPLIER_STOCK_CHANGED,
    )
)
"""Topics whose events name a supplier: the only ones a supplier's endpoint can hear."""


def record(
    uow: TenantUnitOfWork,
    topic: Topic,
    *,
    aggregate_type: str,
    aggregate_id: uuid.UUID,
    client_id: uuid.UUID | None,
    payload: dict[str, Any],
    supplier_id: uuid.UUID | None = None,
) -> OutboxEvent:
    """Add an event to the outbox; it commits or rolls back with the change it describes."""
    event = OutboxEvent(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        client_id=client_id,
        supplier_id=supplier_id,
        topic=topic.value,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        payload=payload,
        request_id=request_ids.current(),
    )
    uow.add(event)
    return event
