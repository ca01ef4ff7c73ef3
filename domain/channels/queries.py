"""Reading channel data as the caller sees it: statements for lists, groups for loaders."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func

from domain.channels.models import (
    ChannelConnection,
    ChannelOrder,
    ChannelOrderStatus,
    ChannelSkuMapping,
    ChannelStockPush,
)
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork


def connections_matching(scope: TenantScope, client_id: uuid.UUID | None) -> Select[Any]:
    """The caller's channel connections, optionally of one client."""
    stmt = scope.select(ChannelConnection)
    return stmt if client_id is None else stmt.where(ChannelConnection.client_id == client_id)


def mappings_matching(
    scope: TenantScope, connection_id: uuid.UUID | None, channel_sku: str | None
) -> Select[Any]:
    """The caller's SKU mappings, optionally of one connection or one channel SKU."""
    stmt = scope.select(ChannelSkuMapping)
    if connection_id is not None:
        stmt = stmt.where(ChannelSkuMapping.connection_id == connection_id)
    if channel_sku is not None:
        stmt = stmt.where(ChannelSkuMapping.channel_sku == channel_sku)
    return stmt


def channel_orders_matching(
    scope: TenantScope,
    connection_id: uuid.UUID | None,
    statuses: Collection[ChannelOrderStatus] | None,
) -> Select[Any]:
    """The caller's imported channel orders, optionally of one connection or some statuses."""
    stmt = scope.select(ChannelOrder)
    if connection_id is not None:
        stmt = stmt.where(ChannelOrder.connection_id == connection_id)
    if statuses:
        stmt = stmt.where(ChannelOrder.status.in_(statuses))
    return stmt


@dataclass(frozen=True)
class ConnectionStats:
    """What a connection imported and what waits to be pushed."""

    imported: int = 0
    held: int = 0
    failed: int = 0
    last_import_at: datetime | None = None
    stock_pending: int = 0


def stats_by_connection(
    uow: TenantUnitOfWork, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[ConnectionStats]]:
    """Each connection's counts (a list of one), in two grouped statements."""
    counts: dict[uuid.UUID, dict[str, Any]] = {i: {} for i in ids}
    for connection_id, status, number, newest in uow.execute(
        uow.select(
            ChannelOrder,
            ChannelOrder.connection_id,
            ChannelOrder.status,
            func.count(),
            func.max(ChannelOrder.created_at),
        )
        .where(ChannelOrder.connection_id.in_(ids))
        .group_by(ChannelOrder.connection_id, ChannelOrder.status)
    ):
        entry = counts[connection_id]
        entry[ChannelOrderStatus(status).value] = number
        if status in (ChannelOrderStatus.IMPORTED, ChannelOrderStatus.HELD):
            last = entry.get("last")
            entry["last"] = newest if last is None or newest > last else last
    for connection_id, number in uow.execute(
        uow.select(ChannelStockPush, ChannelStockPush.connection_id, func.count())
        .where(ChannelStockPush.connection_id.in_(ids), ChannelStockPush.dirty_since.is_not(None))
        .group_by(ChannelStockPush.connection_id)
    ):
        counts[connection_id]["pending"] = number
    return {
        connection_id: [
            ConnectionStats(
                imported=entry.get("imported", 0),
                held=entry.get("held", 0),
                failed=entry.get("failed", 0),
                last_import_at=entry.get("last"),
                stock_pending=entry.get("pending", 0),
            )
        ]
        for connection_id, entry in counts.items()
    }
