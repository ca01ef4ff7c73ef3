"""Mapping a SKU releases the orders it was all that held back; the holds of the others
name only the SKUs still unmapped."""

from __future__ import annotations

import uuid

from domain.channels.connections import find_connection
from domain.channels.models import ChannelOrder, ChannelOrderStatus, ChannelSkuMapping
from domain.channels.payloads import from_payload
from domain.channels.skus import resolve_lines, set_mapping
from domain.orders.holds import release_hold
from domain.orders.models import HoldReason, OrderHold
from tenants.unit_of_work import TenantUnitOfWork

RELEASED_PER_MAPPING = 100
"""Held orders one mapping re-checks; the rest are released by hand or by the next mapping."""


def map_and_release(
    uow: TenantUnitOfWork, connection_id: uuid.UUID, channel_sku: str, product_id: uuid.UUID
) -> ChannelSkuMapping:
    """Set the mapping, then release each held order of the connection that now resolves;
    the others' holds keep the SKUs still missing as their `unmapped_skus`."""
    mapping = set_mapping(uow, connection_id, channel_sku, product_id)
    connection = find_connection(uow, connection_id, "connectionId")
    held = uow.scalars(
        uow.select(ChannelOrder)
        .where(
            ChannelOrder.connection_id == connection.id,
            ChannelOrder.status == ChannelOrderStatus.HELD,
        )
        .order_by(ChannelOrder.created_at)
        .limit(RELEASED_PER_MAPPING)
    ).all()
    for row in held:
        if row.order_id is None:
            continue
        missing = resolve_lines(uow, connection, from_payload(row.payload).lines).unmapped
        holds = uow.scalars(
            uow.select(OrderHold).where(
                OrderHold.order_id == row.order_id,
                OrderHold.reason == HoldReason.UNMAPPED_SKU,
                OrderHold.released_at.is_(None),
            )
        ).all()
        for hold in holds:
            if missing:  # still held: it names only what is left to map
                if hold.unmapped_skus != list(missing):
                    hold.unmapped_skus = list(missing)
            else:
                release_hold(uow, hold.id)
    uow.flush()
    return mapping
