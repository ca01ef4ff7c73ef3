"""Billing runs in steps: each storage day, and each batch of clients' invoices, is its own
transaction.

A run killed half-way leaves whole steps behind; running it again redoes nothing done and
finishes the rest, so no charge goes missing and none is doubled. The `runBillingPeriod`
mutation, the period-close actor and the storage actor all run these.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from domain.billing.drafts import draft_invoices
from domain.billing.invoice_totals import month_sums
from domain.billing.periods import Period
from domain.billing.storage import pending_storage_days, take_storage_day
from persistence.base import utcnow
from tenants.models import Client
from tenants.unit_of_work import UnitFactory


def catch_up_storage(
    new_unit: UnitFactory, now: datetime | None = None, until: date | None = None
) -> int:
    """Take every completed, untaken storage day, one transaction each; charges added."""
    now = now or utcnow()
    with new_unit() as uow:
        days = pending_storage_days(uow, now, until)
    added = 0
    for key in days:
        with new_unit() as uow:
            added += take_storage_day(uow, key)
            uow.commit()
    return added


CLIENTS_PER_TRANSACTION = 200
"""Invoices drafted per transaction: a few statements for the batch, whatever its size."""


def bill_period(
    new_unit: UnitFactory,
    period: Period,
    *,
    now: datetime | None = None,
    client_ids: list[uuid.UUID] | None = None,
    per_transaction: int = CLIENTS_PER_TRANSACTION,
    after_batch: Callable[[list[uuid.UUID]], None] | None = None,
) -> list[uuid.UUID]:
    """Draft (or refresh) the period's invoice of every client (or of `client_ids`); ids of
    the invoices touched.

    Named clients the caller cannot see are refused before anything is written. Storage
    days up to the period's end are taken first, so the invoice holds all of them; then
    one aggregate sums the month of every client, and the invoices are written from it,
    `per_transaction` clients at a time (`after_batch` is called after each commits).
    """
    every = client_ids is None
    with new_unit() as uow:
        if client_ids is None:
            client_ids = list(uow.scalars(uow.select(Client, Client.id).order_by(Client.id)))
        else:
            for client_id in client_ids:
                uow.get_or_not_found(Client, client_id, "client", "clientId")
            client_ids = sorted(set(client_ids))
    catch_up_storage(new_unit, now, until=period.end - timedelta(days=1))
    with new_unit() as uow:  # the whole run's sums in one aggregate
        sums = month_sums(uow, period, None if every else client_ids)
    invoices: list[uuid.UUID] = []
    for start in range(0, len(client_ids), per_transaction):
        batch = client_ids[start : start + per_transaction]
        with new_unit() as uow:
            invoices.extend(draft_invoices(uow, batch, period, sums))
            uow.commit()
        if after_batch is not None:
            after_batch(batch)
    return invoices
