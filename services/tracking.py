"""Tracking polls: ask the carrier for a shipment's events outside any transaction, then
apply the new ones in one."""

from __future__ import annotations

import uuid

from domain.shipping.accounts import close_carrier
from domain.shipping.tracking import apply_updates, tracked_by
from tenants.unit_of_work import UnitFactory


def poll_shipment(new_unit: UnitFactory, shipment_id: uuid.UUID) -> int:
    """Ask the carrier for a shipment's events and apply them; how many were new."""
    with new_unit() as uow:
        tracked = tracked_by(uow, shipment_id)
    if tracked is None:
        return 0
    carrier, number, reference = tracked
    try:
        updates = carrier.track(number, reference)
    finally:
        close_carrier(carrier)
    with new_unit() as uow:
        added = apply_updates(uow, shipment_id, updates)
        uow.commit()
    return len(added)
