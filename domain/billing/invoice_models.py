"""Invoices per client and period, and their lines (one per charge type)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.billing.models import ChargeType
from domain.billing.money import ExactDecimal
from persistence.base import Base, Timestamped, enum_column, new_id
from tenants.models import client_fk


class InvoiceStatus(StrEnum):
    """Where an invoice stands: drafts follow their charges, issued invoices never change."""

    DRAFT = "draft"
    ISSUED = "issued"
    PAID = "paid"
    VOID = "void"


class Invoice(Timestamped, Base):
    """What one client owes for one period (a calendar month in UTC); one per client and period."""

    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("provider_id", "client_id", "period_start"),
        UniqueConstraint("provider_id", "number"),
        client_fk(),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    client_id: Mapped[uuid.UUID]
    number: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[date]
    period_end: Mapped[date]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[InvoiceStatus] = mapped_column(
        enum_column(InvoiceStatus), default=InvoiceStatus.DRAFT
    )
    rate_card_id: Mapped[uuid.UUID | None]
    subtotal_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    minimum_top_up_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    tax_rate_percent: Mapped[Decimal | None] = mapped_column(ExactDecimal())
    tax_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    total_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    issued_at: Mapped[datetime | None]
    paid_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]
    void_reason: Mapped[str | None] = mapped_column(String(500))


class InvoiceLine(Base):
    """The charges of one type on an invoice, summed by SQL."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        UniqueConstraint("provider_id", "invoice_id", "charge_type"),
        ForeignKeyConstraint(
            ["provider_id", "invoice_id"], ["invoices.provider_id", "invoices.id"]
        ),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    invoice_id: Mapped[uuid.UUID]
    client_id: Mapped[uuid.UUID]
    charge_type: Mapped[ChargeType] = mapped_column(enum_column(ChargeType))
    quantity: Mapped[Decimal] = mapped_column(ExactDecimal())
    charges: Mapped[int]
    amount_minor: Mapped[int] = mapped_column(BigInteger)
