"""Tracking: append a shipment's events once each, and move the shipment and order on."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.orders.fulfillment import mark_delivered
from domain.orders.models import FulfillmentOrder, FulfillmentStatus
from domain.outbox.events import Topic
from domain.shipping.accounts import build_carrier
from domain.shipping.carriers.base import Carrier, TrackingStatus, TrackingUpdate
from domain.shipping.events import record_shipment_event
from domain.shipping.models import CarrierAccount, Shipment, TrackingEvent
from persistence.base import new_id, utcnow
from tenants.unit_of_work import TenantUnitOfWork

POLLER_TASK = "tracking_poller"
"""The system task whose row-level security policy lists every tenant's shipments."""
FINAL = (TrackingStatus.DELIVERED, TrackingStatus.CANCELLED)
TRACKED_FOR = timedelta(days=60)
"""Shipments older than this are not polled, nor matched by a push: numbers get reused."""


def apply_updates(
    uow: TenantUnitOfWork, shipment_id: uuid.UUID, updates: Sequence[TrackingUpdate]
) -> list[TrackingEvent]:
    """Add the updates not seen before; the shipment takes the latest status. The new events."""
    shipment = uow.scalar(
        uow.select(Shipment)
        .where(Shipment.id == shipment_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if shipment is None:
        return []
    seen = {
        (occurred_at, raw)
        for occurred_at, raw in uow.execute(
            uow.select(TrackingEvent, TrackingEvent.occurred_at, TrackingEvent.raw_status).where(
                TrackingEvent.shipment_id == shipment.id
            )
        )
    }
    newest_seen = max((occurred_at for occurred_at, _ in seen), default=None)
    added = []
    # a stable sort: events of one instant keep the carrier's order, the last one wins
    for update in sorted(updates, key=lambda u: u.occurred_at):
        key = (update.occurred_at, update.raw_status[:64])
        if key in seen:
            continue
        seen.add(key)
        added.append(_event(shipment, update))
    if not added:
        return []
    uow.add_all(added)
    uow.flush()
    latest = added[-1]
    if newest_seen is None or latest.occurred_at >= newest_seen:  # else late news: status stands
        shipment.status = latest.status
        shipment.updated_at = utcnow()
        if latest.status is TrackingStatus.DELIVERED:
            shipment.delivered_at = latest.occurred_at
            _deliver(uow, shipment.fulfillment_order_id)
    _announce(uow, shipment, added)
    return added


def shipment_for_push(
    uow: TenantUnitOfWork, account_id: uuid.UUID, tracking_number: str
) -> Shipment | None:
    """The shipment a pushed tracking number means: of that account, recent, undelivered first.

    Carriers reuse tracking numbers, so the number alone is never the key.
    """
    return uow.scalars(
        uow.select(Shipment)
        .where(
            Shipment.carrier_account_id == account_id,
            Shipment.tracking_number == tracking_number,
            Shipment.created_at >= utcnow() - TRACKED_FOR,
        )
        .order_by((Shipment.status == TrackingStatus.DELIVERED).asc(), Shipment.created_at.desc())
        .limit(1)
    ).first()


def shipments_to_poll(
    session: Session, now: datetime, limit: int
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """(provider id, shipment id) of every tenant's shipments still on their way.

    The one cross-tenant read here: the session must carry the POLLER_TASK system task.
    """
    if session.info.get("system_task") != POLLER_TASK:
        raise RuntimeError(f"shipments_to_poll needs session.info['system_task'] = {POLLER_TASK!r}")
    rows = session.execute(
        select(Shipment.provider_id, Shipment.id)
        .where(Shipment.status.not_in(FINAL), Shipment.created_at >= now - TRACKED_FOR)
        .order_by(Shipment.created_at)
        .limit(limit)
    )
    return [(provider_id, shipment_id) for provider_id, shipment_id in rows]


def tracked_by(
    uow: TenantUnitOfWork, shipment_id: uuid.UUID
) -> tuple[Carrier, str, str | None] | None:
    """The carrier adapter, tracking number and carrier reference of a shipment on its way."""
    row = uow.execute(
        uow.select(Shipment, Shipment.tracking_number, Shipment.carrier_reference, CarrierAccount)
        .join(
            CarrierAccount,
            (CarrierAccount.provider_id == Shipment.provider_id)
            & (CarrierAccount.id == Shipment.carrier_account_id),
        )
        .where(Shipment.id == shipment_id, Shipment.status.not_in(FINAL))
    ).first()
    if row is None:
        return None
    number, reference, account = row
    return build_carrier(account), number, reference


def _event(shipment: Shipment, update: TrackingUpdate) -> TrackingEvent:
    return TrackingEvent(
        provider_id=shipment.provider_id,
        id=new_id(),
        client_id=shipment.client_id,
        shipment_id=shipment.id,
        status=update.status,
        raw_status=update.raw_status[:64],
        description=update.description[:500],
        occurred_at=update.occurred_at,
        location=update.location[:200] if update.location else None,
    )


def _deliver(uow: TenantUnitOfWork, fo_id: uuid.UUID) -> None:
    fo = uow.scalar(uow.select(FulfillmentOrder).where(FulfillmentOrder.id == fo_id))
    if fo is not None and fo.status is FulfillmentStatus.SHIPPED:
        mark_delivered(uow, fo_id)


def _announce(uow: TenantUnitOfWork, shipment: Shipment, added: list[TrackingEvent]) -> None:
    record_shipment_event(
        uow,
        Topic.SHIPMENT_TRACKING_UPDATED,
        shipment,
        {
            "tracking_number": shipment.tracking_number,
            "status": shipment.status.value,
            "events": [
                {
                    "status": event.status.value,
                    "raw_status": event.raw_status,
                    "description": event.description,
                    "occurred_at": event.occurred_at.isoformat(),
                    "location": event.location,
                }
                for event in added
            ],
        },
    )
