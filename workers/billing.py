"""Billing actors: charges from events, daily storage, period close, and the provider fan-out."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import dramatiq

from domain.billing.accrual import BILLED_TOPICS, accrue_events
from domain.billing.periods import Period, period_to_close
from domain.outbox.consumption import first_times
from persistence.base import utcnow
from services.billing import bill_period, catch_up_storage
from telemetry.metrics import instruments
from workers import queues
from workers.consumption import consume_batch
from workers.consumption import event_ids as event_ids_of
from workers.routing import consumes
from workers.runtime import unit_of_work
from workers.scheduler import provider_ids

RETRIES = {
    "queue_name": queues.BILLING,
    "max_retries": 14,
    "min_backoff": 1_000,
    "max_backoff": 600_000,
}
"""About 1.5 hours of retries, riding out a database outage; past them, the redelivery
sweep sends an event whose charge was never marked processed again."""


@consumes(*BILLED_TOPICS, batched=True)
@dramatiq.actor(**RETRIES, time_limit=60_000)
def accrue_charges(provider_id: str, event_ids: str | list[str]) -> None:
    """Bill a batch of outbox events in one transaction; a redelivered event adds nothing."""
    with counted_run("accrual"):
        consume_batch(event_ids_of(event_ids), lambda batch: _accrue(provider_id, batch))


def _accrue(provider_id: str, ids: list[uuid.UUID]) -> list[uuid.UUID]:
    # the marks and the charges of the events that were new, in one transaction; the
    # events, rate cards and open months read once for the batch
    with unit_of_work(provider_id) as uow:
        fresh = first_times(uow, ids, "accrue_charges")
        billed = [event_id for event_id in ids if event_id in fresh]
        accrue_events(uow, billed)
        uow.commit()
    return billed


@dramatiq.actor(**RETRIES, time_limit=30 * 60_000)
def take_storage(provider_id: str) -> None:
    """Snapshot and bill every completed storage day the provider has not had billed."""
    with counted_run("storage"):
        catch_up_storage(lambda: unit_of_work(provider_id))


@dramatiq.actor(**RETRIES, time_limit=60 * 60_000)
def close_billing_period(provider_id: str, period: str | None = None) -> None:
    """Draft or refresh every client's invoice of `period` (default: the month due to close)."""
    due = Period.parse(period) if period else period_to_close(utcnow())
    if due is None:
        return
    with counted_run("period_close"):
        bill_period(lambda: unit_of_work(provider_id), due)


@contextmanager
def counted_run(kind: str) -> Iterator[None]:
    """Count one billing run of `kind` as ok, or failed when it raises (it may be retried)."""
    try:
        yield
    except BaseException:
        instruments().billing_runs.labels(kind, "failed").inc()
        raise
    instruments().billing_runs.labels(kind, "ok").inc()


@dramatiq.actor(queue_name=queues.BILLING, max_retries=3, min_backoff=10_000, time_limit=60_000)
def schedule_billing() -> None:
    """Send each provider its storage run, and its period close when a month is due."""
    closing = period_to_close(utcnow()) is not None
    for provider_id in provider_ids():
        take_storage.send(str(provider_id))
        if closing:
            close_billing_period.send(str(provider_id))
