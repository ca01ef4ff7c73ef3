"""The events shipments tell the world about, written to the outbox with the change."""

from __future__ import annotations

from domain.outbox.events import Topic, record
from domain.shipping.models import Shipment
from tenants.unit_of_work import TenantUnitOfWork


def record_shipment_event(
    uow: TenantUnitOfWork, topic: Topic, shipment: Shipment, details: dict[str, object]
) -> None:
    """Record `topic` for a shipment: who and what it concerns first, then `details`."""
    record(
        uow,
        topic,
        aggregate_type="shipment",
        aggregate_id=shipment.id,
        client_id=shipment.client_id,
        payload={
            "shipment_id": str(shipment.id),
            "order_id": str(shipment.order_id),
            "fulfillment_order_id": str(shipment.fulfillment_order_id),
            "client_id": str(shipment.client_id),
            "carrier": shipment.carrier,
            **details,
        },
    )
