"""What flows back to a channel: shipments to report, stock to push (coalesced), failures."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists
from sqlalchemy.exc import IntegrityError

from domain.catalog.models import Product
from domain.channels.adapter import StockLevel
from domain.channels.failures import forget_refusal
from domain.channels.models import (
    ChannelConnection,
    ChannelOrder,
    ChannelSkuMapping,
    ChannelStockPush,
)
from domain.inventory.models import InventoryLevel
from domain.orders.models import FulfillmentOrder
from domain.outbox.events import Topic, record
from domain.outbox.models import OutboxEvent, ProcessedEvent
from domain.outbox.queries import id_floor
from persistence.base import new_id, utcnow
from tenants.unit_of_work import TenantUnitOfWork


def request_sync(
    uow: TenantUnitOfWork,
    connection: ChannelConnection,
    *,
    poll: bool,
    stock: bool,
    shipments: bool = False,
) -> None:
    """Ask the workers to poll the channel, push its stock and/or send again the shipment
    reports it has not had (an outbox event)."""
    payload = {"connection_id": str(connection.id), "poll": poll, "stock": stock}
    if shipments:
        payload["shipments"] = True
    record(
        uow,
        Topic.CHANNEL_SYNC_REQUESTED,
        aggregate_type="channel_connection",
        aggregate_id=connection.id,
        client_id=connection.client_id,
        payload=payload,
    )


def orders_from_channels(uow: TenantUnitOfWork, order_ids: set[uuid.UUID]) -> set[uuid.UUID]:
    """Those of `order_ids` that a channel sent (a shop may want to hear of their shipments)."""
    if not order_ids:
        return set()
    return set(
        uow.scalars(
            uow.select(ChannelOrder, ChannelOrder.order_id).where(
                ChannelOrder.order_id.in_(order_ids)
            )
        )
    )


def stock_connections(
    uow: TenantUnitOfWork, client_id: uuid.UUID, warehouse_id: uuid.UUID
) -> list[uuid.UUID]:
    """The connections showing the client's stock in that warehouse (syncing inventory)."""
    return list(
        uow.scalars(
            uow.select(ChannelConnection, ChannelConnection.id).where(
                ChannelConnection.client_id == client_id,
                ChannelConnection.warehouse_id == warehouse_id,
                ChannelConnection.sync_inventory.is_(True),
            )
        ).all()
    )


def mark_stock_changed(
    uow: TenantUnitOfWork,
    client_id: uuid.UUID,
    warehouse_id: uuid.UUID,
    product_id: uuid.UUID,
    connections: list[uuid.UUID] | None = None,
) -> list[uuid.UUID]:
    """Mark the product dirty on every connection showing that warehouse's stock.

    The connections that were clean before (they need a push sent); the others have one
    coming, and it reads the level when it runs, so the latest value wins. A push that
    read the product before this mark leaves it dirty (see `stock_pushed`) and goes again.
    `connections`, when given, are `stock_connections` already read in this transaction.
    """
    if connections is None:
        connections = stock_connections(uow, client_id, warehouse_id)
    if not connections:
        return []
    woken = []
    now = utcnow()
    for connection_id in connections:
        row = _push_row(uow, connection_id, product_id)
        if row is None:
            row = ChannelStockPush(
                provider_id=uow.scope.provider_id,
                id=new_id(),
                client_id=client_id,
                connection_id=connection_id,
                product_id=product_id,
                dirty_since=now,
            )
            try:
                with uow.session.begin_nested():
                    uow.add(row)
                    uow.flush()
            except IntegrityError:  # marked at the same moment by another change: it is dirty
                continue
        else:
            # a fresh mark even when dirty: a push that read the older mark keeps this one
            waiting = row.dirty_since is not None
            row.dirty_since = now
            if waiting:
                continue
        woken.append(connection_id)
    uow.flush()
    return woken


def mark_all_stock(uow: TenantUnitOfWork, connection: ChannelConnection) -> int:
    """Mark every active product of the connection's client dirty (a full stock push)."""
    products = uow.scalars(
        uow.select(Product, Product.id).where(
            Product.client_id == connection.client_id, Product.archived_at.is_(None)
        )
    ).all()
    for product_id in products:
        row = _push_row(uow, connection.id, product_id)
        if row is None:
            uow.add(
                ChannelStockPush(
                    provider_id=connection.provider_id,
                    id=new_id(),
                    client_id=connection.client_id,
                    connection_id=connection.id,
                    product_id=product_id,
                    dirty_since=utcnow(),
                )
            )
        elif row.dirty_since is None:
            row.dirty_since = utcnow()
    uow.flush()
    return len(products)


def start_syncing(uow: TenantUnitOfWork, connection: ChannelConnection) -> None:
    """A connection's first sync, or its first since it can reach its shop again (new
    credentials, a check that succeeds after the shop refused the connection): all of its
    stock pushed, its orders polled, and the shipment reports the shop has not had sent
    again, per switch. Sent through the outbox: the workers do it, none of it is lost."""
    forget_refusal(connection)
    if connection.sync_inventory:
        mark_all_stock(uow, connection)
    if connection.sync_inventory or connection.import_orders or connection.sync_fulfillments:
        request_sync(
            uow,
            connection,
            poll=connection.import_orders,
            stock=connection.sync_inventory,
            shipments=connection.sync_fulfillments,
        )


def reports_work_again(uow: TenantUnitOfWork, connection: ChannelConnection) -> None:
    """A shipment report went through after the shop had refused reports with the
    connection itself (a shop unfrozen, a key enabled again in the shop): the reports kept
    meanwhile, even those the sweep gave up on, are sent again through the outbox."""
    forget_refusal(connection, REPORT_SHIPMENT)
    request_sync(uow, connection, poll=False, stock=False, shipments=True)


REPORT_SHIPMENT = "report shipment"
"""The work of telling a shop of a shipment, as failures name it."""


def unreported_shipments(
    uow: TenantUnitOfWork, connection_id: uuid.UUID, consumer: str, not_before: datetime
) -> list[uuid.UUID]:
    """The `fulfillment_order.shipped` events of the connection's orders, shipped since
    `not_before`, that the shop has not been told of and that `consumer` (the reporting
    actor) has not marked done: reports kept while the shop refused the connection, those
    the redelivery sweep gave up on included; never one reported, or refused for good.

    Reads the connection's shipped fulfillment orders, then their events from the oldest
    shipment on (event ids are time-ordered), so the outbox is read only as far back as
    the oldest report still missing.
    """
    waiting: dict[uuid.UUID, datetime] = {}
    for fo_id, shipped_at, reported in uow.execute(
        uow.select(FulfillmentOrder, FulfillmentOrder.id, FulfillmentOrder.shipped_at)
        .add_columns(ChannelOrder.reported)
        .join(
            ChannelOrder,
            and_(
                ChannelOrder.provider_id == FulfillmentOrder.provider_id,
                ChannelOrder.order_id == FulfillmentOrder.order_id,
            ),
        )
        .where(
            ChannelOrder.connection_id == connection_id,
            FulfillmentOrder.shipped_at.is_not(None),
            FulfillmentOrder.shipped_at >= not_before,
        )
    ):
        if str(fo_id) not in (reported or []):
            waiting[fo_id] = shipped_at
    if not waiting:
        return []
    # the event is recorded in the transaction that stamps shipped_at, a moment after it
    oldest = min(waiting.values()) - timedelta(minutes=1)
    done = exists().where(
        ProcessedEvent.provider_id == OutboxEvent.provider_id,
        ProcessedEvent.event_id == OutboxEvent.id,
        ProcessedEvent.consumer == consumer,
    )
    found: list[uuid.UUID] = []
    fo_ids = list(waiting)
    for start in range(0, len(fo_ids), _IDS_PER_QUERY):
        found += uow.scalars(
            uow.select(OutboxEvent, OutboxEvent.id).where(
                OutboxEvent.id >= id_floor(int(oldest.timestamp() * 1000)),
                OutboxEvent.topic == Topic.FULFILLMENT_SHIPPED.value,
                OutboxEvent.aggregate_id.in_(fo_ids[start : start + _IDS_PER_QUERY]),
                OutboxEvent.published_at.is_not(None),  # the relay sends the others
                ~done,
            )
        ).all()
    return sorted(found)


_IDS_PER_QUERY = 500


@dataclass(frozen=True)
class StockBatch:
    """What one push sends: levels by channel SKU, and the marks it will clear."""

    levels: tuple[StockLevel, ...]
    marks: dict[uuid.UUID, tuple[datetime, int]]
    """Push row id -> (the dirty mark it saw, the quantity it sends)."""


def dirty_stock(uow: TenantUnitOfWork, connection: ChannelConnection, limit: int) -> StockBatch:
    """The connection's dirty products with their available quantity now, as channel SKUs."""
    rows = uow.scalars(
        uow.select(ChannelStockPush)
        .where(
            ChannelStockPush.connection_id == connection.id,
            ChannelStockPush.dirty_since.is_not(None),
        )
        .order_by(ChannelStockPush.dirty_since, ChannelStockPush.id)
        .limit(limit)
    ).all()
    if not rows:
        return StockBatch((), {})
    product_ids = [row.product_id for row in rows]
    available = dict(
        uow.execute(
            uow.select(
                InventoryLevel,
                InventoryLevel.product_id,
                InventoryLevel.on_hand - InventoryLevel.allocated - InventoryLevel.unsellable,
            ).where(
                InventoryLevel.warehouse_id == connection.warehouse_id,
                InventoryLevel.product_id.in_(product_ids),
            )
        ).all()
    )
    skus = channel_skus(uow, connection, product_ids)
    levels = []
    marks = {}
    for row in rows:
        quantity = max(0, int(available.get(row.product_id, 0)))
        assert row.dirty_since is not None
        marks[row.id] = (row.dirty_since, quantity)
        levels.extend(StockLevel(sku, quantity) for sku in skus.get(row.product_id, []))
    return StockBatch(tuple(levels), marks)


def stock_pushed(uow: TenantUnitOfWork, connection: ChannelConnection, batch: StockBatch) -> bool:
    """Clear the marks the push sent (a mark made since stays); whether any product is dirty."""
    now = utcnow()
    for row in _clear_marks(uow, batch):
        row.pushed_quantity = batch.marks[row.id][1]
        row.pushed_at = now
    connection.stock_pushes += 1
    uow.flush()
    return _still_dirty(uow, connection)


def stock_refused(uow: TenantUnitOfWork, connection: ChannelConnection, batch: StockBatch) -> bool:
    """Clear the marks of a push the shop refused for good, so that no poll sends it again
    (a later change of a product, or a full stock push, sends it anew); what was last
    pushed stays as it was. Whether any product is still dirty."""
    _clear_marks(uow, batch)
    uow.flush()
    return _still_dirty(uow, connection)


def _clear_marks(uow: TenantUnitOfWork, batch: StockBatch) -> list[ChannelStockPush]:
    """The batch's push rows, locked, each clean unless marked again since it was read."""
    rows = uow.scalars(
        uow.select(ChannelStockPush)
        .where(ChannelStockPush.id.in_(list(batch.marks)))
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    for row in rows:
        if row.dirty_since == batch.marks[row.id][0]:
            row.dirty_since = None
    return list(rows)


def _still_dirty(uow: TenantUnitOfWork, connection: ChannelConnection) -> bool:
    left = uow.scalar(
        uow.select(ChannelStockPush, ChannelStockPush.id)
        .where(
            ChannelStockPush.connection_id == connection.id,
            ChannelStockPush.dirty_since.is_not(None),
        )
        .limit(1)
    )
    return left is not None


def channel_skus(
    uow: TenantUnitOfWork, connection: ChannelConnection, product_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """Each product's names in the channel: its mapped channel SKUs, else its own SKU."""
    names: dict[uuid.UUID, list[str]] = {}
    for channel_sku, product_id in uow.execute(
        uow.select(ChannelSkuMapping, ChannelSkuMapping.channel_sku, ChannelSkuMapping.product_id)
        .where(
            ChannelSkuMapping.connection_id == connection.id,
            ChannelSkuMapping.product_id.in_(product_ids),
        )
        .order_by(ChannelSkuMapping.channel_sku)
    ):
        if not channel_sku.startswith("variant:"):
            names.setdefault(product_id, []).append(channel_sku)
    missing = [p for p in product_ids if p not in names]
    if missing:
        for product_id, sku in uow.execute(
            uow.select(Product, Product.id, Product.sku).where(Product.id.in_(missing))
        ):
            names[product_id] = [sku]
    return names


def _push_row(
    uow: TenantUnitOfWork, connection_id: uuid.UUID, product_id: uuid.UUID
) -> ChannelStockPush | None:
    return uow.scalar(
        uow.select(ChannelStockPush)
        .where(
            ChannelStockPush.connection_id == connection_id,
            ChannelStockPush.product_id == product_id,
        )
        .with_for_update()
    )
