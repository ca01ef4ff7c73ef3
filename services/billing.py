"""Billing runs in steps: each storage day and each client's invoice is its own transaction.

A run killed half-way leaves whole steps behind; running it again redoes nothing done and
finishes the rest, so no charge goes missing and none is doubled. The `runBillingPeriod`
mutation, the period-close actor and the storage actor all run these.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from domain.billing.invoicing import invoice_client, month_sums
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


def bill_period(
    new_unit: UnitFactory,
    period: Period,
    *,
    now: datetime | None = None,
    client_ids: list[uuid.UUID] | None = None,
    after_client: Callable[[uuid.UUID], None] | None = None,
) -> list[uuid.UUID]:
    """Draft (or refresh) the period's invoice of every client (or of `client_ids`); ids of
    the invoices touched.

    Named clients the caller cannot see are refused before anything is written. Storage
    days up to the period's end are taken first, so the invoice holds all of them; then
    one aggregate sums the month of every client, and each invoice is written from it.
    """
    every = client_ids is None
    with new_unit() as uow:
        if client_ids is None:
            client_ids = list(uow.scalars(uow.select(Client, Client.id).order_by(Client.id)))
        else:
            for client_id in client_ids:
                uow.get_or_not_found(Client, client_id, "client", "clientId")
    catch_up_storage(new_unit, now, until=period.end - timedelta(days=1))
    with new_unit() as uow:  # the whole run's sums in one aggregate
        sums = month_sums(uow, period, None if every else client_ids)
    invoices = []
    for client_id in client_ids:
        with new_unit() as uow:
            invoice = invoice_client(uow, client_id, period, sums.get(client_id, []))
            uow.commit()
            if invoice is not None:
                invoices.append(invoice.id)
        if after_client is not None:
            after_client(client_id)
    return invoices
