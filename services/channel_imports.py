"""Orders in from a channel: polls from the stored cursor, webhooks, and checking a connection.

No transaction is held open while a shop answers: read the connection, call the shop,
then import what it said in one short transaction that locks the connection row (so
polls and webhooks of one shop never interleave their cursor writes).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from domain.channels.adapter import (
    ChannelCheck,
    ChannelError,
    ChannelOrderData,
    MalformedOrder,
    SalesChannel,
)
from domain.channels.connections import (
    build_channel,
    close_channel,
    disconnect_connection,
    live_connection,
)
from domain.channels.failures import clear_error, sync_failed, was_refused
from domain.channels.imports import ImportOutcome, import_order, record_malformed
from domain.channels.models import ChannelConnection
from domain.channels.syncs import request_sync, start_syncing
from persistence.base import utcnow
from tenants.unit_of_work import UnitFactory

log = logging.getLogger("crossdock.channels")

POLL_ROUNDS = 20
"""Pages one poll reads before handing the rest to the next poll."""
NO_CURSOR = object()


@dataclass
class ImportSummary:
    """How many orders of each outcome an import run had."""

    counts: dict[ImportOutcome, int] = field(default_factory=dict)
    malformed: int = 0

    def add(self, outcome: ImportOutcome) -> None:
        """Count one outcome."""
        self.counts[outcome] = self.counts.get(outcome, 0) + 1

    @property
    def imported(self) -> int:
        """Orders made (held ones included)."""
        return self.counts.get(ImportOutcome.IMPORTED, 0) + self.counts.get(ImportOutcome.HELD, 0)


class WebhookRefused(Exception):
    """Unknown connection or bad signature; the answer never says which."""


def poll_connection(new_unit: UnitFactory, connection_id: uuid.UUID) -> ImportSummary:
    """Import what changed in the channel since the stored cursor, page after page.

    A failure is recorded on the connection (and sent to the provider as a webhook), then
    raised for the actor to retry; the cursor stays where the last imported page left it.
    A poll that reaches the shop clears the connection's last error (an order of it that
    cannot be imported records its own again).
    """
    summary = ImportSummary()
    with new_unit() as uow:
        connection = uow.get(ChannelConnection, connection_id)
        if connection is None or not connection.import_orders:
            return summary
        cursor = connection.cursor
        channel = build_channel(connection)
    try:
        for round_ in range(POLL_ROUNDS):
            batch = channel.orders_since(cursor)
            made = import_batch(
                new_unit,
                connection_id,
                batch.orders,
                batch.malformed,
                batch.cursor,
                succeeded=round_ == 0,
            )
            _acknowledge(channel, made)
            for outcome, count in made.summary.counts.items():
                summary.counts[outcome] = summary.counts.get(outcome, 0) + count
            summary.malformed += made.summary.malformed
            cursor = batch.cursor
            if not batch.more:
                break
    except ChannelError as error:
        fail(new_unit, connection_id, "poll", error)
        raise
    finally:
        close_channel(channel)
    return summary


def receive_webhook(
    new_unit: UnitFactory,
    connection_id: uuid.UUID,
    kind: str,
    headers: Mapping[str, str],
    body: bytes,
) -> ImportSummary:
    """Check a webhook's signature on the raw body, then import the orders it carries."""
    with new_unit() as uow:
        connection = uow.get(ChannelConnection, connection_id)
        if connection is None or connection.kind.value != kind or connection.disconnected_at:
            raise WebhookRefused()
        importing = connection.import_orders
        channel = build_channel(connection)
    try:
        if not channel.verify_webhook(headers, body):
            raise WebhookRefused()
        if not importing:
            return ImportSummary()
        news = channel.read_webhook(headers, body)
        made = import_batch(
            new_unit,
            connection_id,
            news.orders,
            news.malformed,
            NO_CURSOR,
            poll=news.poll,
            succeeded=bool(news.orders),
        )
        try:
            _acknowledge(channel, made)
        except ChannelError as error:  # the next poll acknowledges what is still requested
            fail(new_unit, connection_id, "acknowledge", error)
        return made.summary
    finally:
        close_channel(channel)


@dataclass
class Batch:
    """An imported batch: the summary, the orders to acknowledge and the cancellations to
    answer in the channel."""

    summary: ImportSummary
    taken: list[ChannelOrderData]
    answers: list[tuple[ChannelOrderData, bool, str]] = field(default_factory=list)


def import_batch(
    new_unit: UnitFactory,
    connection_id: uuid.UUID,
    orders: Sequence[ChannelOrderData],
    malformed: Sequence[MalformedOrder],
    cursor: object,
    *,
    poll: bool = False,
    succeeded: bool = False,
) -> Batch:
    """Import orders in one transaction, then move the cursor (unless NO_CURSOR).

    `succeeded`: the shop was reached (a poll's first page, a webhook carrying orders), so
    the connection's last error is cleared before the orders are imported; one that
    cannot be imported records its error again.
    """
    summary = ImportSummary()
    taken = []
    answers = []
    with new_unit() as uow:
        connection = uow.get(ChannelConnection, connection_id, lock=True)
        if connection is None:
            return Batch(summary, [])
        if succeeded:
            clear_error(connection)
        for data in orders:
            result = import_order(uow, connection, data)
            summary.add(result.outcome)
            row = result.channel_order
            if row is not None and row.order_id is not None:
                taken.append(data)
            if result.cancellation is not None:
                answers.append((data, result.cancellation, result.message))
        for bad in malformed:
            record_malformed(uow, connection, bad)
            summary.malformed += 1
        if cursor is not NO_CURSOR:
            connection.cursor = cursor  # type: ignore[assignment]
            connection.last_polled_at = utcnow()
        if poll:
            request_sync(uow, connection, poll=True, stock=False)
        uow.commit()
    return Batch(summary, taken, answers)


def check_connection(new_unit: UnitFactory, connection_id: uuid.UUID) -> ChannelCheck:
    """Reach the shop; keep what it told us (e.g. Shopify's location). Raises ChannelError.

    The first check that succeeds starts the connection: all of its stock is pushed (a
    shop showed nothing until some level changed) and its orders are polled once. So does
    the first after the shop refused the connection itself, which also sends again the
    shipment reports the shop has not had.
    """
    with new_unit() as uow:
        connection = live_connection(uow, connection_id)
        channel = build_channel(connection)
    try:
        found = channel.check()
    except ChannelError as error:
        fail(new_unit, connection_id, "check", error)
        raise
    finally:
        close_channel(channel)
    with new_unit() as uow:
        connection = uow.get(ChannelConnection, connection_id, lock=True)
        if connection is not None:
            # the first check starts the connection; one after the shop refused it (a scope
            # granted, a shop unfrozen) sends again what the refusals kept
            first = "shop_name" not in (connection.settings or {}) or was_refused(connection)
            settings = dict(connection.settings or {}, shop_name=found.shop_name)
            if found.location_id:
                settings["location_id"] = found.location_id
            connection.settings = settings
            clear_error(connection)
            if first:
                start_syncing(uow, connection)
            uow.commit()
    return found


@dataclass(frozen=True)
class Disconnected:
    """A disconnected connection, and whether the shop undid what Crossdock set up in it."""

    connection: ChannelConnection
    released: bool
    message: str | None = None
    """What the shop said when it could not (never the credentials)."""


def disconnect(new_unit: UnitFactory, connection_id: uuid.UUID) -> Disconnected:
    """Undo what Crossdock set up in the shop (Shopify: its fulfillment service), then
    disconnect the connection. A shop that cannot be reached does not keep the connection:
    it is disconnected all the same, and the answer says what the shop said."""
    with new_unit() as uow:
        connection = uow.get_or_not_found(ChannelConnection, connection_id, "channel connection")
        channel = None if connection.disconnected_at else build_channel(connection)
    released, message = True, None
    if channel is not None:
        try:
            channel.disconnect()
        except ChannelError as error:
            log.warning("channel %s: disconnect failed: %s", connection_id, error.message)
            released, message = False, error.message
        finally:
            close_channel(channel)
    with new_unit() as uow:
        connection = disconnect_connection(uow, connection_id)
        uow.commit()
    return Disconnected(connection, released, message)


def fail(
    new_unit: UnitFactory,
    connection_id: uuid.UUID,
    work: str,
    error: ChannelError,
    *,
    once: bool = False,
) -> None:
    """Record a failed sync on the connection, in its own transaction (with `once`, an
    error that is already the connection's last is not told again)."""
    log.warning("channel %s: %s failed: %s", connection_id, work, error.message)
    with new_unit() as uow:
        connection = uow.get(ChannelConnection, connection_id, lock=True)
        if connection is not None:
            sync_failed(uow, connection, work, error, once=once)
            uow.commit()


def _acknowledge(channel: SalesChannel, batch: Batch) -> None:
    for data in batch.taken:
        channel.acknowledge(data)
    for data, accepted, message in batch.answers:
        channel.cancel(data, accepted, message)
