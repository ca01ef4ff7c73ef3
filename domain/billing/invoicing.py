"""Invoices: a draft per client and period summed by SQL (domain.billing.drafts), then
issued, paid or voided.

Each charge is stamped at insert with the month it is billed in (domain.billing.open_periods),
so an invoice is one aggregate over its client's month and one insert of its lines; no charge
is updated. A draft follows its charges: rerunning the period sums again. Issuing sums once
more, after the charges being inserted for the month have committed; an issued invoice never
changes, and charges arriving after it go to the next open month.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from domain.billing.invoice_models import Invoice, InvoiceStatus
from domain.billing.invoice_totals import month_sums, totals_of, write_lines
from domain.billing.models import Charge, RateCard
from domain.billing.open_periods import first_open_months
from domain.billing.periods import Period
from domain.billing.rate_cards import card_in_force
from domain.errors import DomainError, DomainErrorCode
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork


def issue_invoice(uow: TenantUnitOfWork, invoice_id: uuid.UUID) -> Invoice:
    """Freeze a draft; issuing an issued invoice again changes nothing."""
    invoice = _locked(uow, invoice_id)
    if invoice.status is InvoiceStatus.DRAFT:
        # Charges of the month still being inserted hold their client's row: wait for them.
        first_open_months(uow, [invoice.client_id], exclusive=True)
        period = Period(invoice.period_start)
        card = card_in_force(uow, invoice.client_id, period.closes_at - timedelta(microseconds=1))
        _sum_lines(uow, invoice, card)
        invoice.status = InvoiceStatus.ISSUED
        invoice.issued_at = utcnow()
    elif invoice.status is not InvoiceStatus.ISSUED:
        raise _illegal(invoice, "issue")
    uow.flush()
    return invoice


def mark_invoice_paid(
    uow: TenantUnitOfWork, invoice_id: uuid.UUID, paid_at: datetime | None = None
) -> Invoice:
    """Record payment of an issued invoice; marking a paid one again changes nothing."""
    invoice = _locked(uow, invoice_id)
    if invoice.status is InvoiceStatus.ISSUED:
        invoice.status = InvoiceStatus.PAID
        invoice.paid_at = paid_at or utcnow()
    elif invoice.status is not InvoiceStatus.PAID:
        raise _illegal(invoice, "mark paid")
    uow.flush()
    return invoice


def void_invoice(uow: TenantUnitOfWork, invoice_id: uuid.UUID, reason: str) -> Invoice:
    """Cancel a draft or issued invoice; its charges go back to be billed in the next period."""
    invoice = _locked(uow, invoice_id)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(DomainErrorCode.REQUIRED, "Say why.", "reason")
    if invoice.status is InvoiceStatus.VOID:
        return invoice
    if invoice.status is InvoiceStatus.PAID:
        raise _illegal(invoice, "void")
    invoice.status = InvoiceStatus.VOID
    invoice.voided_at = utcnow()
    invoice.void_reason = reason[:500]
    uow.flush()
    # Its charges move to the client's first open month (a rare, deliberate bulk change).
    first_open = first_open_months(uow, [invoice.client_id], exclusive=True)[invoice.client_id]
    uow.execute(
        uow.update(Charge)
        .where(
            Charge.client_id == invoice.client_id,
            Charge.billing_period == invoice.period_start,
        )
        .values(billing_period=first_open)
    )
    return invoice


def _sum_lines(uow: TenantUnitOfWork, invoice: Invoice, card: RateCard | None) -> None:
    sums = month_sums(uow, Period(invoice.period_start), [invoice.client_id])
    totals = totals_of(sums.get(invoice.client_id, []), card, invoice.currency)
    write_lines(uow, [(invoice.id, invoice.client_id, totals)], replacing=[invoice.id])
    for name, value in totals.columns().items():
        setattr(invoice, name, value)
    uow.flush()


def _locked(uow: TenantUnitOfWork, invoice_id: uuid.UUID) -> Invoice:
    return uow.get_or_not_found(Invoice, invoice_id, "invoice", lock=True)


def _illegal(invoice: Invoice, action: str) -> DomainError:
    return DomainError(
        DomainErrorCode.ILLEGAL_TRANSITION,
        f"A {invoice.status.value} invoice cannot {action}.",
        "id",
    )
