"""Tracking and stock back to the channels, from outbox events; no transaction spans a call.

Stock pushes coalesce: a change only marks the product dirty on each connection showing
that warehouse; a push reads every dirty product's level when it runs and sends them in
one call, so a receipt of 10,000 lines costs a few calls, each with the latest numbers.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from domain.channels.adapter import (
    ChannelAccessError,
    ChannelError,
    PermanentChannelError,
    ShipmentReport,
)
from domain.channels.connections import build_channel, close_channel
from domain.channels.failures import clear_error, sync_failed, was_refused
from domain.channels.models import ChannelConnection
from domain.channels.payloads import from_payload
from domain.channels.reports import (
    CLAIM_EXPIRES,
    ReportClaim,
    claim_report,
    give_back,
    report_made,
)
from domain.channels.syncs import (
    REPORT_SHIPMENT,
    StockBatch,
    dirty_stock,
    mark_stock_changed,
    orders_from_channels,
    reports_work_again,
    stock_connections,
    stock_pushed,
    stock_refused,
    unreported_shipments,
)
from domain.outbox.consumption import first_time, first_times, processed_pairs
from domain.outbox.models import OutboxEvent
from domain.outbox.redelivery import rearm
from persistence.base import utcnow
from services.channel_imports import fail
from services.redelivery import MARK_RETENTION
from tenants.unit_of_work import TenantUnitOfWork, UnitFactory

log = logging.getLogger("crossdock.channels")

PUSH_BATCH = 250
"""Products one stock call carries; more dirty ones go in the next call."""


def report_shipment(
    new_unit: UnitFactory, event_id: uuid.UUID, *, claim_expires: timedelta = CLAIM_EXPIRES
) -> bool:
    """Tell the channel a fulfillment order of its order shipped; once per fulfillment order,
    even with the event handled by several workers at once (whether this one told it).

    The report is claimed in a short transaction before the shop is called, and recorded
    after (domain.channels.reports): no transaction is open across the call. A report
    another worker holds raises ReportInFlight (try again once its claim, `claim_expires`
    long, has expired); a shop that failed has the claim given back, for a retry.
    """
    with new_unit() as uow:
        event = uow.scalar(uow.select(OutboxEvent).where(OutboxEvent.id == event_id))
        if event is None:
            return False
        claimed = claim_report(
            uow,
            uuid.UUID(str(event.payload["order_id"])),
            str(event.payload.get("fulfillment_order_id")),
            utcnow(),
            claim_expires,
        )
        if claimed is None:
            return False
        row, claim = claimed
        connection = uow.get(ChannelConnection, claim.connection_id)
        if connection is None or not connection.sync_fulfillments:
            return False  # rolled back: nothing claimed
        order = from_payload(row.payload)
        report = ShipmentReport(
            carrier=str(event.payload.get("carrier") or ""),
            tracking_number=str(event.payload.get("tracking_number") or ""),
            handle=order.handle,
        )
        channel = build_channel(connection)
        uow.commit()  # the claim is durable before the shop is called
    try:
        channel.report_shipment(order, report)
    except ChannelError as error:
        _report_failed(new_unit, claim, error)
        raise
    finally:
        close_channel(channel)
    with new_unit() as uow:
        row = report_made(uow, claim)
        connection = uow.get(ChannelConnection, claim.connection_id, lock=True)
        if row is not None and connection is not None:
            connection.shipments_reported += 1
            clear_error(connection)
            if was_refused(connection, REPORT_SHIPMENT):
                reports_work_again(uow, connection)
        uow.commit()
    return True


def _report_failed(new_unit: UnitFactory, claim: ReportClaim, error: ChannelError) -> None:
    """Give the claim back (a retry, the sweep or a re-send may take it at once) and record
    the failure on the connection, in one transaction. A refused connection refuses every
    try until fixed: shown each time, told once."""
    log.warning("channel %s: %s failed: %s", claim.connection_id, REPORT_SHIPMENT, error.message)
    with new_unit() as uow:
        give_back(uow, claim)
        connection = uow.get(ChannelConnection, claim.connection_id, lock=True)
        if connection is not None:
            once = isinstance(error, ChannelAccessError)
            sync_failed(uow, connection, REPORT_SHIPMENT, error, once=once)
        uow.commit()


def shipments_to_send_again(
    uow: TenantUnitOfWork, connection_id: uuid.UUID, consumer: str
) -> list[uuid.UUID]:
    """The connection's shipment events whose report the shop has not had and `consumer`
    has not marked done (`unreported_shipments`, within the marks' retention), handed back
    to the redelivery sweep in the caller's transaction, so that a message the broker
    loses is sent again a window later; the caller sends them to `consumer` now."""
    now = utcnow()
    ids = unreported_shipments(uow, connection_id, consumer, now - MARK_RETENTION)
    rearm(uow, ids, now)
    return ids


def shipments_to_report(
    new_unit: UnitFactory, event_ids: list[uuid.UUID], consumer: str
) -> list[uuid.UUID]:
    """Of a batch of `fulfillment_order.shipped` events, those a shop may need to hear of
    (`report_shipment` each, then mark it processed by `consumer`), not yet marked.

    The others, shipments of orders no channel sent, are marked processed by `consumer`
    in one transaction, so a batch of them costs a few statements however many it holds; a
    redelivered batch marks nothing twice and returns no event already reported.
    """
    with new_unit() as uow:
        events = uow.scalars(uow.select(OutboxEvent).where(OutboxEvent.id.in_(event_ids))).all()
        order_of = {event.id: uuid.UUID(str(event.payload["order_id"])) for event in events}
        from_shops = orders_from_channels(uow, set(order_of.values()))
        ids = [i for i in dict.fromkeys(event_ids) if i in order_of]
        first_times(uow, [i for i in ids if order_of[i] not in from_shops], consumer)
        to_report = [i for i in ids if order_of[i] in from_shops]
        if to_report:
            done = {event for event, by in processed_pairs(uow, to_report) if by == consumer}
            to_report = [i for i in to_report if i not in done]
        uow.commit()
    return to_report


def note_stock_change(
    new_unit: UnitFactory, event_id: uuid.UUID, consumer: str | None = None
) -> list[uuid.UUID]:
    """Mark a stock change on the connections showing it; those that need a push sent.

    With a `consumer`, the event is marked processed by it in the same transaction, and a
    second delivery does nothing.
    """
    with new_unit() as uow:
        event = uow.scalar(uow.select(OutboxEvent).where(OutboxEvent.id == event_id))
        if event is None:
            return []
        if consumer is not None and not first_time(uow, event_id, consumer):
            return []
        payload = event.payload
        woken = mark_stock_changed(
            uow,
            uuid.UUID(str(payload["client_id"])),
            uuid.UUID(str(payload["warehouse_id"])),
            uuid.UUID(str(payload["product_id"])),
        )
        uow.commit()
    return woken


def note_stock_changes(
    new_unit: UnitFactory, event_ids: list[uuid.UUID], consumer: str
) -> list[uuid.UUID]:
    """`note_stock_change` for a batch of events in one transaction, each marked processed
    by `consumer` with its effects (a redelivered event does nothing); the connections that
    need a push sent, each once.

    The connections showing a client's warehouse are read once per batch, so a batch whose
    stock no shop shows costs three statements however many events it holds.
    """
    with new_unit() as uow:
        events = uow.scalars(uow.select(OutboxEvent).where(OutboxEvent.id.in_(event_ids))).all()
        found = {event.id: event for event in events}
        fresh = first_times(uow, [i for i in event_ids if i in found], consumer)
        shown: dict[tuple[uuid.UUID, uuid.UUID], list[uuid.UUID]] = {}
        woken: dict[uuid.UUID, None] = {}
        for event_id in event_ids:
            if event_id not in fresh:
                continue
            fresh.discard(event_id)  # an id given twice is noted once
            payload = found[event_id].payload
            client_id = uuid.UUID(str(payload["client_id"]))
            warehouse_id = uuid.UUID(str(payload["warehouse_id"]))
            key = (client_id, warehouse_id)
            if key not in shown:
                shown[key] = stock_connections(uow, client_id, warehouse_id)
            for connection_id in mark_stock_changed(
                uow,
                client_id,
                warehouse_id,
                uuid.UUID(str(payload["product_id"])),
                shown[key],
            ):
                woken[connection_id] = None
        uow.commit()
    return list(woken)


def push_stock(new_unit: UnitFactory, connection_id: uuid.UUID) -> bool:
    """Send the connection's dirty stock in one call; whether more is dirty (push again).

    A refusal for good (a 4xx that is not throttling) is recorded, and the products it
    carried are no longer dirty; a refused connection (ChannelAccessError) leaves them
    dirty for the poll's next push, told once; a transient failure is raised for a retry.
    """
    with new_unit() as uow:
        connection = uow.get(ChannelConnection, connection_id)
        if connection is None or not connection.sync_inventory:
            return False
        batch = dirty_stock(uow, connection, PUSH_BATCH)
        if not batch.marks:
            return False
        channel = build_channel(connection)
    try:
        if batch.levels:
            channel.set_stock(batch.levels)
    except ChannelAccessError as error:  # stays dirty: pushed by the poll once fixed
        fail(new_unit, connection_id, "stock push", error, once=True)
        raise
    except PermanentChannelError as error:
        return _refused(new_unit, connection_id, batch, error)
    except ChannelError as error:
        fail(new_unit, connection_id, "stock push", error)
        raise
    finally:
        close_channel(channel)
    with new_unit() as uow:
        connection = uow.get(ChannelConnection, connection_id, lock=True)
        if connection is None:
            return False
        more = stock_pushed(uow, connection, batch)
        if batch.levels:  # the shop took them
            clear_error(connection)
        uow.commit()
    return more


def _refused(
    new_unit: UnitFactory, connection_id: uuid.UUID, batch: StockBatch, error: ChannelError
) -> bool:
    """Record a push the shop refused for good, with its marks cleared, in one transaction
    (a poll must not send it again); whether more is dirty. The next batch refused alike
    (bad credentials refuse them all) is shown but not told again."""
    log.warning("channel %s: stock push refused: %s", connection_id, error.message)
    with new_unit() as uow:
        connection = uow.get(ChannelConnection, connection_id, lock=True)
        if connection is None:
            return False
        sync_failed(uow, connection, "stock push", error, once=True)
        more = stock_refused(uow, connection, batch)
        uow.commit()
    return more
