"""Invoices: a draft per client and period summed by SQL, then issued, paid or voided.

Each charge is stamped at insert with the month it is billed in (domain.billing.open_periods),
so an invoice is one aggregate over its client's month and one insert of its lines; no charge
is updated. A draft follows its charges: rerunning the period sums again. Issuing sums once
more, after the charges being inserted for the month have committed; an issued invoice never
changes, and charges arriving after it go to the next open month.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlalchemy.types import NullType

from domain.billing.invoice_models import Invoice, InvoiceLine, InvoiceStatus
from domain.billing.models import Charge, ChargeType, RateCard
from domain.billing.money import from_minor, line_amount, round_money, to_minor
from domain.billing.open_periods import first_open_months
from domain.billing.periods import Period
from domain.billing.rate_cards import card_in_force
from domain.errors import DomainError, DomainErrorCode
from persistence.base import utcnow
from tenants.models import Client
from tenants.unit_of_work import TenantUnitOfWork

HUNDRED = Decimal(100)
MICRO = Decimal("0.000001")


Sums = list[tuple[Any, Any, int, int]]
"""A client's month by charge type: (type, quantity, charges, amount in minor units)."""


def month_sums(
    uow: TenantUnitOfWork, period: Period, client_ids: list[uuid.UUID] | None = None
) -> dict[uuid.UUID, Sums]:
    """The month's charges summed per client and type, in one aggregate (a billing run's)."""
    stmt = uow.select(
        Charge,
        Charge.client_id,
        Charge.charge_type,
        func.sum(Charge.quantity, type_=NullType()),
        func.count(),
        func.sum(Charge.amount_minor),
    ).where(Charge.billing_period == period.start)
    if client_ids is not None:
        stmt = stmt.where(Charge.client_id.in_(client_ids))
    found: dict[uuid.UUID, Sums] = {}
    rows = uow.execute(
        stmt.group_by(Charge.client_id, Charge.charge_type).order_by(Charge.charge_type)
    )
    for client_id, kind, quantity, count, amount in rows:
        found.setdefault(client_id, []).append((kind, quantity, count, int(amount)))
    return found


def invoice_client(
    uow: TenantUnitOfWork, client_id: uuid.UUID, period: Period, sums: Sums | None = None
) -> Invoice | None:
    """Create or refresh the client's draft for `period`; an issued one is returned untouched.

    `sums`: the client's month as a run's `month_sums` read it (a draft may trail charges
    that arrived since: the next run, and issuing, sum again); None sums here.
    None when the client has neither a rate card nor anything to bill.
    """
    invoice = uow.scalar(
        uow.select(Invoice)
        .where(Invoice.client_id == client_id, Invoice.period_start == period.start)
        .with_for_update()
    )
    if invoice is not None and invoice.status is not InvoiceStatus.DRAFT:
        return invoice
    card = card_in_force(uow, client_id, period.closes_at - timedelta(microseconds=1))
    if invoice is None:
        client = uow.get_or_not_found(Client, client_id, "client", "clientId")
        currency = card.currency if card else _open_charge_currency(uow, client, period)
        if currency is None:
            return None
        invoice = Invoice(
            provider_id=uow.scope.provider_id,
            client_id=client_id,
            number=f"{client.code}-{period.name}",
            period_start=period.start,
            period_end=period.end,
            currency=currency,
        )
        uow.add(invoice)
        uow.flush()
    _sum_lines(uow, invoice, card, sums)
    return invoice


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


def _sum_lines(
    uow: TenantUnitOfWork, invoice: Invoice, card: RateCard | None, sums: Sums | None = None
) -> None:
    uow.execute(uow.delete(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id))
    if sums is None:
        period = Period(invoice.period_start)
        sums = month_sums(uow, period, [invoice.client_id]).get(invoice.client_id, [])
    lines = [
        _line(invoice, kind, quantity, count, amount) for kind, quantity, count, amount in sums
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
    uow.add_all(lines)
    invoice.rate_card_id = card.id if card is not None else None
    invoice.subtotal_minor = subtotal
    invoice.minimum_top_up_minor = top_up
    invoice.tax_rate_percent = rate
    invoice.tax_minor = tax
    invoice.total_minor = taxable + tax
    invoice.updated_at = utcnow()
    uow.flush()


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


def _open_charge_currency(uow: TenantUnitOfWork, client: Client, period: Period) -> str | None:
    return uow.scalar(
        uow.select(Charge, Charge.currency)
        .where(Charge.client_id == client.id, Charge.billing_period == period.start)
        .limit(1)
    )


def _locked(uow: TenantUnitOfWork, invoice_id: uuid.UUID) -> Invoice:
    return uow.get_or_not_found(Invoice, invoice_id, "invoice", lock=True)


def _illegal(invoice: Invoice, action: str) -> DomainError:
    return DomainError(
        DomainErrorCode.ILLEGAL_TRANSITION,
        f"A {invoice.status.value} invoice cannot {action}.",
        "id",
    )
