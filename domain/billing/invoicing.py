"""Invoices: a draft per client and period summed by SQL, then issued, paid or voided.

A draft follows its charges: rerunning the period attaches charges that arrived since and sums
again. An issued invoice never changes; charges arriving after it go to the next open period.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, update
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from domain.billing.invoice_models import Invoice, InvoiceLine, InvoiceStatus
from domain.billing.models import Charge, ChargeType, RateCard
from domain.billing.money import from_minor, line_amount, round_money, to_minor
from domain.billing.periods import Period
from domain.billing.rate_cards import card_in_force
from domain.errors import DomainError, DomainErrorCode, not_found
from persistence.base import utcnow
from tenants.models import Client
from tenants.scope import TenantScope

HUNDRED = Decimal(100)
MICRO = Decimal("0.000001")


def invoice_client(
    session: Session, scope: TenantScope, client_id: uuid.UUID, period: Period
) -> Invoice | None:
    """Create or refresh the client's draft for `period`; an issued one is returned untouched.

    None when the client has neither a rate card nor anything to bill.
    """
    client = session.scalar(scope.select(Client).where(Client.id == client_id))
    if client is None:
        raise not_found("client", "clientId")
    invoice = session.scalar(
        scope.select(Invoice)
        .where(Invoice.client_id == client_id, Invoice.period_start == period.start)
        .with_for_update()
    )
    if invoice is not None and invoice.status is not InvoiceStatus.DRAFT:
        return invoice
    card = card_in_force(session, scope, client_id, period.closes_at - timedelta(microseconds=1))
    if invoice is None:
        currency = card.currency if card else _open_charge_currency(session, scope, client, period)
        if currency is None:
            return None
        invoice = Invoice(
            provider_id=scope.provider_id,
            client_id=client_id,
            number=f"{client.code}-{period.name}",
            period_start=period.start,
            period_end=period.end,
            currency=currency,
        )
        session.add(invoice)
        session.flush()
    session.execute(
        update(Charge)
        .where(
            Charge.provider_id == scope.provider_id,
            Charge.client_id == client_id,
            Charge.invoice_id.is_(None),
            Charge.service_date < period.end,
        )
        .values(invoice_id=invoice.id)
    )
    _sum_lines(session, scope, invoice, card)
    return invoice


def issue_invoice(session: Session, scope: TenantScope, invoice_id: uuid.UUID) -> Invoice:
    """Freeze a draft; issuing an issued invoice again changes nothing."""
    invoice = _locked(session, scope, invoice_id)
    if invoice.status is InvoiceStatus.DRAFT:
        invoice.status = InvoiceStatus.ISSUED
        invoice.issued_at = utcnow()
    elif invoice.status is not InvoiceStatus.ISSUED:
        raise _illegal(invoice, "issue")
    session.flush()
    return invoice


def mark_invoice_paid(
    session: Session, scope: TenantScope, invoice_id: uuid.UUID, paid_at: datetime | None = None
) -> Invoice:
    """Record payment of an issued invoice; marking a paid one again changes nothing."""
    invoice = _locked(session, scope, invoice_id)
    if invoice.status is InvoiceStatus.ISSUED:
        invoice.status = InvoiceStatus.PAID
        invoice.paid_at = paid_at or utcnow()
    elif invoice.status is not InvoiceStatus.PAID:
        raise _illegal(invoice, "mark paid")
    session.flush()
    return invoice


def void_invoice(
    session: Session, scope: TenantScope, invoice_id: uuid.UUID, reason: str
) -> Invoice:
    """Cancel a draft or issued invoice; its charges go back to be billed in the next period."""
    invoice = _locked(session, scope, invoice_id)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(DomainErrorCode.REQUIRED, "Say why.", "reason")
    if invoice.status is InvoiceStatus.VOID:
        return invoice
    if invoice.status is InvoiceStatus.PAID:
        raise _illegal(invoice, "void")
    session.execute(
        update(Charge)
        .where(Charge.provider_id == scope.provider_id, Charge.invoice_id == invoice.id)
        .values(invoice_id=None)
    )
    invoice.status = InvoiceStatus.VOID
    invoice.voided_at = utcnow()
    invoice.void_reason = reason[:500]
    session.flush()
    return invoice


def _sum_lines(
    session: Session, scope: TenantScope, invoice: Invoice, card: RateCard | None
) -> None:
    session.execute(
        delete(InvoiceLine).where(
            InvoiceLine.provider_id == scope.provider_id, InvoiceLine.invoice_id == invoice.id
        )
    )
    sums = session.execute(
        scope.select(
            Charge,
            Charge.charge_type,
            func.sum(Charge.quantity, type_=NullType()),
            func.count(),
            func.sum(Charge.amount_minor),
        )
        .where(Charge.invoice_id == invoice.id)
        .group_by(Charge.charge_type)
        .order_by(Charge.charge_type)
    ).all()
    lines = [
        _line(invoice, kind, quantity, count, int(amount)) for kind, quantity, count, amount in sums
    ]
    subtotal = sum(line.amount_minor for line in lines)
    activity = sum(line.amount_minor for line in lines if line.charge_type != ChargeType.CREDIT)
    minimum = 0
    if card is not None and card.monthly_minimum:
        minimum = to_minor(round_money(card.monthly_minimum, invoice.currency), invoice.currency)
    top_up = max(minimum - activity, 0)
    if top_up:
        lines.append(_line(invoice, ChargeType.MINIMUM_TOP_UP, Decimal(1), 0, top_up))
    rate = card.tax_rate_percent if card is not None else None
    taxable = subtotal + top_up
    tax = 0
    if rate:
        tax_amount = line_amount(
            from_minor(taxable, invoice.currency), rate / HUNDRED, invoice.currency
        )
        tax = to_minor(tax_amount, invoice.currency)
    session.add_all(lines)
    invoice.rate_card_id = card.id if card is not None else None
    invoice.subtotal_minor = subtotal
    invoice.minimum_top_up_minor = top_up
    invoice.tax_rate_percent = rate
    invoice.tax_minor = tax
    invoice.total_minor = taxable + tax
    invoice.updated_at = utcnow()
    session.flush()


def _line(invoice: Invoice, kind: Any, quantity: Any, count: int, amount: int) -> InvoiceLine:
    return InvoiceLine(
        provider_id=invoice.provider_id,
        invoice_id=invoice.id,
        client_id=invoice.client_id,
        charge_type=ChargeType(kind),
        quantity=_quantity(quantity),
        charges=count,
        amount_minor=amount,
    )


def _quantity(value: Any) -> Decimal:
    # SQLite sums the text column as a float; quantities are not money, so six places suffice.
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(MICRO)
    return Decimal(str(value or 0))


def _open_charge_currency(
    session: Session, scope: TenantScope, client: Client, period: Period
) -> str | None:
    return session.scalar(
        scope.select(Charge, Charge.currency)
        .where(
            Charge.client_id == client.id,
            Charge.invoice_id.is_(None),
            Charge.service_date < period.end,
        )
        .limit(1)
    )


def _locked(session: Session, scope: TenantScope, invoice_id: uuid.UUID) -> Invoice:
    invoice = session.scalar(
        scope.select(Invoice).where(Invoice.id == invoice_id).with_for_update()
    )
    if invoice is None:
        raise not_found("invoice")
    return invoice


def _illegal(invoice: Invoice, action: str) -> DomainError:
    return DomainError(
        DomainErrorCode.ILLEGAL_TRANSITION,
        f"A {invoice.status.value} invoice cannot {action}.",
        "id",
    )
