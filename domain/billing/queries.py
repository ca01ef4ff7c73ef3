"""Read statements of billing, each limited to what the caller may see."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import Select, exists

from domain.billing.invoice_models import Invoice, InvoiceLine, InvoiceStatus
from domain.billing.models import Charge, ChargeType, RateCard, SourceType
from domain.billing.periods import Period
from tenants.scope import TenantScope


def rate_cards(scope: TenantScope, client_id: uuid.UUID | None = None) -> Select[Any]:
    """Rate card versions; a client key sees only its own cards."""
    stmt = scope.select(RateCard)
    return stmt if client_id is None else stmt.where(RateCard.client_id == client_id)


def charges(
    scope: TenantScope,
    *,
    client_id: uuid.UUID | None = None,
    period: Period | None = None,
    charge_types: Collection[ChargeType] | None = None,
    source_types: Collection[SourceType] | None = None,
    source_id: str | None = None,
    invoice_id: uuid.UUID | None = None,
) -> Select[Any]:
    """Charges, filtered by client, period (service date), type, source and invoice."""
    stmt = scope.select(Charge)
    if client_id is not None:
        stmt = stmt.where(Charge.client_id == client_id)
    if period is not None:
        stmt = stmt.where(Charge.service_date >= period.start, Charge.service_date < period.end)
    if charge_types:
        stmt = stmt.where(Charge.charge_type.in_(charge_types))
    if source_types:
        stmt = stmt.where(Charge.source_type.in_(source_types))
    if source_id is not None:
        stmt = stmt.where(Charge.source_id == source_id)
    if invoice_id is not None:
        stmt = stmt.where(
            exists().where(
                Invoice.provider_id == Charge.provider_id,
                Invoice.id == invoice_id,
                Invoice.client_id == Charge.client_id,
                Invoice.period_start == Charge.billing_period,
                Invoice.status != InvoiceStatus.VOID,
            )
        )
    return stmt


def invoices(
    scope: TenantScope,
    *,
    client_id: uuid.UUID | None = None,
    period: Period | None = None,
    statuses: Collection[InvoiceStatus] | None = None,
) -> Select[Any]:
    """Invoices, filtered by client, period and status."""
    stmt = scope.select(Invoice)
    if client_id is not None:
        stmt = stmt.where(Invoice.client_id == client_id)
    if period is not None:
        stmt = stmt.where(Invoice.period_start == period.start)
    if statuses:
        stmt = stmt.where(Invoice.status.in_(statuses))
    return stmt


def invoice_lines(scope: TenantScope, invoice_ids: list[uuid.UUID]) -> Select[Any]:
    """The lines of some invoices, in charge type order."""
    return (
        scope.select(InvoiceLine)
        .where(InvoiceLine.invoice_id.in_(invoice_ids))
        .order_by(InvoiceLine.invoice_id, InvoiceLine.charge_type)
    )
