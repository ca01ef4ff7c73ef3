"""The month a new charge is billed in, decided once, when it is inserted.

A charge belongs to the month of its service date, unless the client's invoice of that
month (or of a later one) is already issued, paid or void: then it waits for the month
after the latest such invoice, the first one still open. Inserting charges takes the
client rows FOR SHARE, and issuing or voiding takes them FOR UPDATE, so a charge being
inserted while its month is issued either is in the issued totals or goes to the next
month, never neither.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select

from domain.billing.invoice_models import Invoice, InvoiceStatus
from domain.billing.periods import Period
from tenants.models import Client
from tenants.unit_of_work import TenantUnitOfWork

CLOSED = (InvoiceStatus.ISSUED, InvoiceStatus.PAID, InvoiceStatus.VOID)
"""Statuses of an invoice that takes no more charges."""


def first_open_months(
    uow: TenantUnitOfWork, client_ids: Iterable[uuid.UUID], *, exclusive: bool = False
) -> dict[uuid.UUID, date | None]:
    """Per client, the first month after its latest closed invoice (None: none closed yet),
    the client rows locked (FOR SHARE; `exclusive`: FOR UPDATE) until commit."""
    clients = sorted(set(client_ids))
    if not clients:
        return {}
    latest = (
        select(func.max(Invoice.period_start))
        .where(
            Invoice.provider_id == Client.provider_id,
            Invoice.client_id == Client.id,
            Invoice.status.in_(CLOSED),
        )
        .scalar_subquery()
    )
    rows = uow.execute(
        uow.select(Client, Client.id, latest)
        .where(Client.id.in_(clients))
        .order_by(Client.id)
        .with_for_update(read=not exclusive, of=Client)
    )
    return {client: (Period(month).next.start if month else None) for client, month in rows}


def billing_month(service_date: date, first_open: date | None) -> date:
    """The month a charge of `service_date` is billed in, given its client's first open one."""
    month = Period.containing(service_date).start
    return max(month, first_open) if first_open is not None else month
