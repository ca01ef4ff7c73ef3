"""Reading shipping data as the caller sees it: statements for lists, groups for loaders."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Select

from domain.shipping.carriers.base import TrackingStatus
from domain.shipping.models import CarrierAccount, DispatchAttempt, Shipment, TrackingEvent
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork


def shipments_matching(
    scope: TenantScope,
    order_id: uuid.UUID | None,
    statuses: Collection[TrackingStatus] | None,
) -> Select[Any]:
    """The caller's shipments, optionally of one order or in some statuses."""
    stmt = scope.select(Shipment)
    if order_id is not None:
        stmt = stmt.where(Shipment.order_id == order_id)
    if statuses:
        stmt = stmt.where(Shipment.status.in_(statuses))
    return stmt


def tracking_events_of(scope: TenantScope, shipment_id: uuid.UUID | None) -> Select[Any]:
    """The caller's tracking events, optionally of one shipment (none of anyone else's)."""
    stmt = scope.select(TrackingEvent)
    return stmt if shipment_id is None else stmt.where(TrackingEvent.shipment_id == shipment_id)


def carrier_accounts_of(scope: TenantScope, client_id: uuid.UUID | None) -> Select[Any]:
    """The caller's carrier accounts, optionally of one client."""
    stmt = scope.select(CarrierAccount)
    return stmt if client_id is None else stmt.where(CarrierAccount.client_id == client_id)


def attempts_by_fulfillment_order(
    uow: TenantUnitOfWork, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[DispatchAttempt]]:
    """Each fulfillment order's dispatch attempt (a list of at most one)."""
    rows = uow.scalars(
        uow.select(DispatchAttempt).where(DispatchAttempt.fulfillment_order_id.in_(ids))
    )
    return {row.fulfillment_order_id: [row] for row in rows}


def shipments_by_fulfillment_order(
    uow: TenantUnitOfWork, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Shipment]]:
    """Each fulfillment order's shipment (a list of at most one)."""
    rows = uow.scalars(uow.select(Shipment).where(Shipment.fulfillment_order_id.in_(ids)))
    return {row.fulfillment_order_id: [row] for row in rows}
