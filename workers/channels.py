"""Sales-channel actors, on their own queue: polls, webhook-requested syncs, tracking, stock.

Every actor is idempotent: imports are keyed on the channel order id, a shipment is
reported once per fulfillment order, and a stock push sends whatever is dirty when it
runs. A shop that throttles or fails is retried with backoff (its Retry-After first).
"""

from __future__ import annotations

import logging
import uuid

import dramatiq

from domain.channels.adapter import (
    ChannelAccessError,
    ChannelError,
    PermanentChannelError,
    TransientChannelError,
)
from domain.channels.models import ChannelConnection
from domain.outbox.consumption import first_time
from domain.outbox.events import Topic
from domain.outbox.models import OutboxEvent
from services.channel_imports import poll_connection
from services.channel_syncs import (
    note_stock_changes,
    push_stock,
    report_shipment,
    shipments_to_report,
    shipments_to_send_again,
)
from workers import queues
from workers.consumption import event_ids as event_ids_of
from workers.consumption import mark_processed, try_batch
from workers.relay import MAX_BATCHED_EVENTS
from workers.routing import consumes
from workers.runtime import unit_of_work
from workers.scheduler import provider_ids

log = logging.getLogger("crossdock.workers.channels")

QUEUE = queues.CHANNELS
"""A slow shop never delays a label or a webhook: channel work waits in its own queue."""
OPTIONS = {
    "queue_name": QUEUE,
    "max_retries": 8,
    "min_backoff": 2_000,
    "max_backoff": 300_000,
    "time_limit": 120_000,  # below domain.channels.reports.CLAIM_EXPIRES (tested)
    "throws": (PermanentChannelError,),
}
REPORTS_RESENT_BY = (
    "new credentials for its shop's connection, a connection check that succeeds after the "
    "shop refused the connection, or the shop's next report that goes through after such a "
    "refusal (within 30 days)"
)
"""What sends a shipment report again once the sweep gave up on it, besides a replay."""
COALESCE_DELAY_MS = 1_000
"""A push waits this long after the first change, gathering the changes that follow."""


def _retrying(error: TransientChannelError) -> dramatiq.Retry:
    delay = int(error.retry_after * 1000) if error.retry_after is not None else None
    return dramatiq.Retry(error.message, delay=delay)


@dramatiq.actor(**OPTIONS)  # type: ignore[call-overload]
def poll_channels() -> None:
    """Periodic: ask every provider to poll its shops."""
    for provider_id in provider_ids():
        poll_provider_channels.send(str(provider_id))


@dramatiq.actor(**OPTIONS)  # type: ignore[call-overload]
def poll_provider_channels(provider_id: str) -> None:
    """Send one poll per connection that imports orders, and one stock push per connection
    that syncs stock (it sends what is dirty, if anything: a lost wake-up costs minutes)."""
    with unit_of_work(provider_id) as uow:
        rows = uow.execute(
            uow.select(
                ChannelConnection,
                ChannelConnection.id,
                ChannelConnection.import_orders,
                ChannelConnection.sync_inventory,
            )
        ).all()
    for connection_id, importing, syncing in rows:
        if importing:
            poll_channel.send(provider_id, str(connection_id))
        if syncing:
            push_channel_stock.send(provider_id, str(connection_id))


@dramatiq.actor(**OPTIONS)  # type: ignore[call-overload]
def poll_channel(provider_id: str, connection_id: str) -> None:
    """Import what changed in one shop since its cursor."""
    try:
        poll_connection(lambda: unit_of_work(provider_id), uuid.UUID(connection_id))
    except TransientChannelError as error:
        raise _retrying(error) from error


@consumes(Topic.CHANNEL_SYNC_REQUESTED)
@dramatiq.actor(**OPTIONS)  # type: ignore[call-overload]
def sync_channel(provider_id: str, event_id: str) -> None:
    """A webhook, resyncChannel or a connection that works again (new credentials, a check
    after a refusal) asked for a poll, a stock push and/or the shipment reports the shop
    has not had, sent again to `report_channel_shipment` (and given back to the sweep)."""
    with unit_of_work(provider_id) as uow:
        event = uow.scalar(uow.select(OutboxEvent).where(OutboxEvent.id == uuid.UUID(event_id)))
        payload = dict(event.payload) if event is not None else {}
        connection_id = payload.get("connection_id")
        if not connection_id or not first_time(uow, uuid.UUID(event_id), "sync_channel"):
            return
        reports = (
            shipments_to_send_again(
                uow, uuid.UUID(connection_id), report_channel_shipment.actor_name
            )
            if payload.get("shipments")
            else []
        )
        if payload.get("poll"):
            poll_channel.send(provider_id, connection_id)
        if payload.get("stock"):
            push_channel_stock.send(provider_id, connection_id)
        for start in range(0, len(reports), MAX_BATCHED_EVENTS):
            batch = reports[start : start + MAX_BATCHED_EVENTS]
            report_channel_shipment.send(provider_id, [str(i) for i in batch])
        uow.commit()  # after the sends: a failed send leaves the event unmarked, for a retry


@consumes(Topic.FULFILLMENT_SHIPPED, batched=True, resent_by=REPORTS_RESENT_BY)
@dramatiq.actor(**OPTIONS)  # type: ignore[call-overload]
def report_channel_shipment(provider_id: str, event_ids: str | list[str]) -> None:
    """Tell the shops of a batch of shipments, with carrier and tracking, once per order;
    the shipments of orders no shop sent are marked done in one transaction.

    A shop that refuses a report for good (a 4xx that is not throttling) has it recorded
    once, and the event is marked done; throttling, 5xx and timeouts are retried; a
    refused connection (credentials, permissions) leaves the event for the redelivery
    sweep, told once, so the report still goes once the connection is fixed. A report
    another worker is sending at the same moment (a retry beside the sweep's copy) is
    left to it and retried once that worker's claim has expired, in case it died.
    """
    to_report, unreadable = try_batch(
        event_ids_of(event_ids),
        lambda batch: shipments_to_report(
            lambda: unit_of_work(provider_id), batch, "report_channel_shipment"
        ),
    )
    failure: Exception | None = unreadable
    for event_id in to_report:  # one shop's failure does not hold back the others' reports
        try:
            report_shipment(lambda: unit_of_work(provider_id), event_id)
        except ChannelAccessError as error:
            # the connection is refused (credentials...): left for the sweep, still wanted
            failure = failure or error
            continue
        except PermanentChannelError:
            # refused for good (recorded and told by report_shipment): done, or the
            # redelivery sweep would send it to the shop again and again
            log.warning("a shop refused the shipment of event %s; not sent again", event_id)
        except ChannelError as error:
            failure = failure or error
            continue
        mark_processed(provider_id, str(event_id), "report_channel_shipment")
    if isinstance(failure, TransientChannelError):
        raise _retrying(failure) from failure
    if failure is not None:
        raise failure


@consumes(Topic.STOCK_CHANGED, batched=True)
@dramatiq.actor(**OPTIONS)  # type: ignore[call-overload]
def note_channel_stock(provider_id: str, event_ids: str | list[str]) -> None:
    """Mark a batch of stock changes dirty on the shops showing them, in one transaction;
    wake a push where none is coming, once per shop.

    When one event fails, the others are noted one by one and their pushes woken before
    the failure is raised (a push marked "coming" but never sent would wait for the poll).
    """
    woken, failure = try_batch(
        event_ids_of(event_ids),
        lambda batch: note_stock_changes(
            lambda: unit_of_work(provider_id), batch, "note_channel_stock"
        ),
    )
    for connection_id in dict.fromkeys(woken):
        push_channel_stock.send_with_options(
            args=(provider_id, str(connection_id)), delay=COALESCE_DELAY_MS
        )
    if failure is not None:
        raise failure


@dramatiq.actor(**OPTIONS)  # type: ignore[call-overload]
def push_channel_stock(provider_id: str, connection_id: str) -> None:
    """Send a shop's dirty stock, the latest numbers, in one call; again while more is dirty."""
    try:
        more = push_stock(lambda: unit_of_work(provider_id), uuid.UUID(connection_id))
    except TransientChannelError as error:
        raise _retrying(error) from error
    if more:
        push_channel_stock.send(provider_id, connection_id)
