"""Billing runs in steps: each storage day and each client's invoice is its own transaction.

A run killed half-way leaves whole steps behind; running it again redoes nothing done and
finishes the rest, so no charge goes missing and none is doubled.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta

from domain.billing.invoicing import invoice_client
from domain.billing.periods import Period
from domain.billing.storage import pending_storage_days, take_storage_day
from persistence.base import utcnow
from tenants.models import Client
from tenants.unit_of_work import TenantUnitOfWork

OpenUnit = Callable[[], TenantUnitOfWork]
"""Opens a unit of work bound to the provider being billed."""
CLOSE_AFTER = timedelta(days=1)
"""How long after a month ends its invoices are drafted: every time zone's last day is over."""


def catch_up_storage(
    open_unit: OpenUnit, now: datetime | None = None, until: date | None = None
) -> int:
    """Take every completed, untaken storage day, one transaction each; charges added."""
    now = now or utcnow()
    with open_unit() as unit:
        days = pending_storage_days(unit, now, until)
    added = 0
    for key in days:
        with open_unit() as unit:
            added += take_storage_day(unit, key)
            unit.commit()
    return added


def bill_period(
    open_unit: OpenUnit,
    period: Period,
    *,
    now: datetime | None = None,
    client_ids: list[uuid.UUID] | None = None,
    after_client: Callable[[uuid.UUID], None] | None = None,
) -> list[uuid.UUID]:
    """Draft (or refresh) the period's invoice of every client; ids of the invoices touched.

    Storage days up to the period's end are taken first, so the invoice holds all of them.
    """
    catch_up_storage(open_unit, now, until=period.end - timedelta(days=1))
    if client_ids is None:
        with open_unit() as unit:
            client_ids = list(unit.scalars(unit.select(Client, Client.id).order_by(Client.id)))
    invoices = []
    for client_id in client_ids:
        with open_unit() as unit:
            invoice = invoice_client(unit, client_id, period)
            unit.commit()
            if invoice is not None:
                invoices.append(invoice.id)
        if after_client is not None:
            after_client(client_id)
    return invoices


def period_to_close(now: datetime) -> Period | None:
    """The month whose invoices are due to be drafted at `now` (the previous one, a day late)."""
    previous = Period.containing(now.date()).previous
    return previous if now >= previous.closes_at + CLOSE_AFTER else None
