"""Releasing an order held for unmapped SKUs: resolve its channel lines again, then add them."""

from __future__ import annotations

import uuid

from domain.channels.models import ChannelConnection, ChannelOrder, ChannelOrderStatus
from domain.channels.payloads import from_payload
from domain.channels.skus import resolve_lines
from domain.errors import UnmappedSkusError
from domain.orders.creation import add_lines
from domain.orders.models import HoldReason, Order, OrderHold, OrderLine
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork


def complete_held_order(uow: TenantUnitOfWork, order_id: uuid.UUID) -> None:
    """Give a held channel order its lines, or refuse with UnmappedSkusError (UNMAPPED_SKU)
    naming the SKUs still missing."""
    imported = uow.scalar(
        uow.select(ChannelOrder).where(ChannelOrder.order_id == order_id).with_for_update()
    )
    if imported is None or imported.status is not ChannelOrderStatus.HELD:
        return
    has_lines = uow.scalar(
        uow.select(OrderLine, OrderLine.id).where(OrderLine.order_id == order_id)
    )
    if has_lines is not None:
        return
    connection = uow.get(ChannelConnection, imported.connection_id)
    order = uow.get(Order, order_id, lock=True)
    assert connection is not None
    assert order is not None
    resolution = resolve_lines(uow, connection, from_payload(imported.payload).lines)
    if resolution.unmapped:
        raise UnmappedSkusError(
            resolution.unmapped,
            "Map these channel SKUs first: " + ", ".join(resolution.unmapped) + ".",
        )
    add_lines(uow, order, resolution.lines)
    for hold in uow.scalars(
        uow.select(OrderHold).where(
            OrderHold.order_id == order_id, OrderHold.reason == HoldReason.UNMAPPED_SKU
        )
    ):
        hold.unmapped_skus = []  # every SKU maps now; the note still says what held it
    imported.status = ChannelOrderStatus.IMPORTED
    imported.error = None
    imported.updated_at = utcnow()
    uow.flush()
