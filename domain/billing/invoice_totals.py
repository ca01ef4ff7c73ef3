"""An invoice's lines and totals, computed from its month's sums and its rate card.

A month is summed by SQL (one aggregate per client and charge type); the lines, the
minimum top-up and the tax follow from those sums in Python, and the lines of any number
of invoices are written in one upsert from a row set (persistence.row_sets).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import NullType

from domain.billing.invoice_models import InvoiceLine
from domain.billing.models import Charge, ChargeType, RateCard
from domain.billing.money import from_minor, line_amount, round_money, to_minor
from domain.billing.periods import Period
from persistence.base import new_id, utcnow
from persistence.row_sets import row_set
from tenants.unit_of_work import TenantUnitOfWork

HUNDRED = Decimal(100)
MICRO = Decimal("0.000001")

Sums = list[tuple[Any, Any, int, int, str]]
"""A client's month by charge type: (type, quantity, charges, amount in minor units, currency)."""


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
        func.min(Charge.currency),
    ).where(Charge.billing_period == period.start)
    if client_ids is not None:
        stmt = stmt.where(Charge.client_id.in_(client_ids))
    found: dict[uuid.UUID, Sums] = {}
    rows = uow.execute(
        stmt.group_by(Charge.client_id, Charge.charge_type).order_by(Charge.charge_type)
    )
    for client_id, kind, quantity, count, amount, currency in rows:
        found.setdefault(client_id, []).append((kind, quantity, count, int(amount), currency))
    return found


@dataclass(frozen=True)
class Totals:
    """An invoice's lines (type, quantity, charges, amount in minor units) and sums."""

    lines: list[tuple[ChargeType, Decimal, int, int]]
    rate_card_id: uuid.UUID | None
    subtotal_minor: int
    minimum_top_up_minor: int
    tax_rate_percent: Decimal | None
    tax_minor: int
    total_minor: int

    def columns(self) -> dict[str, Any]:
        """The invoice columns these totals set."""
        return {
            "rate_card_id": self.rate_card_id,
            "subtotal_minor": self.subtotal_minor,
            "minimum_top_up_minor": self.minimum_top_up_minor,
            "tax_rate_percent": self.tax_rate_percent,
            "tax_minor": self.tax_minor,
            "total_minor": self.total_minor,
            "updated_at": utcnow(),
        }


def totals_of(sums: Sums, card: RateCard | None, currency: str) -> Totals:
    """The lines and totals of a month summed as `sums`, priced by `card`, in `currency`."""
    lines = [
        (ChargeType(kind), _quantity(quantity), count, amount)
        for kind, quantity, count, amount, _ in sums
    ]
    subtotal = sum(line[3] for line in lines)
    activity = sum(line[3] for line in lines if line[0] != ChargeType.CREDIT)
    minimum = 0
    if card is not None and card.monthly_minimum:
        minimum = to_minor(round_money(card.monthly_minimum, currency), currency)
    top_up = max(minimum - activity, 0)
    if top_up:
        lines.append((ChargeType.MINIMUM_TOP_UP, Decimal(1), 0, top_up))
    rate = card.tax_rate_percent if card is not None else None
    taxable = subtotal + top_up
    tax = 0
    if rate:
        tax_amount = line_amount(from_minor(taxable, currency), rate / HUNDRED, currency)
        tax = to_minor(tax_amount, currency)
    return Totals(
        lines=lines,
        rate_card_id=card.id if card is not None else None,
        subtotal_minor=subtotal,
        minimum_top_up_minor=top_up,
        tax_rate_percent=rate,
        tax_minor=tax,
        total_minor=taxable + tax,
    )


def write_lines(
    uow: TenantUnitOfWork,
    invoices: list[tuple[uuid.UUID, uuid.UUID, Totals]],
    *,
    replacing: Iterable[uuid.UUID] = (),
) -> None:
    """Make the lines of each (invoice id, client id, totals) what the totals say.

    Lines of the `replacing` invoices whose type the totals no longer have go (read in one
    SELECT, deleted in one DELETE when there are any);
    every line is inserted or, where its invoice already has one of its type, updated in
    place (one upsert: an update moves no foreign key, so it skips the invoice check).
    """
    provider_id = uow.scope.provider_id
    rows = [
        {
            "provider_id": provider_id,
            "id": new_id(),
            "invoice_id": invoice_id,
            "client_id": client_id,
            "charge_type": kind,
            "quantity": quantity,
            "charges": count,
            "amount_minor": amount,
        }
        for invoice_id, client_id, totals in invoices
        for kind, quantity, count, amount in totals.lines
    ]
    replaced = list(replacing)
    if replaced:  # the invoices are locked: their lines do not change under us
        kept = {(row["invoice_id"], row["charge_type"]) for row in rows}
        lines = uow.execute(
            uow.select(
                InvoiceLine, InvoiceLine.id, InvoiceLine.invoice_id, InvoiceLine.charge_type
            ).where(InvoiceLine.invoice_id.in_(replaced))
        )
        stale = [line_id for line_id, *key in lines if tuple(key) not in kept]
        if stale:
            uow.execute(uow.delete(InvoiceLine).where(InvoiceLine.id.in_(stale)))
    if not rows:
        return
    table = InvoiceLine.__table__
    names = list(rows[0])
    given = row_set(uow.session, table, "given", names, [list(row.values()) for row in rows])
    module: Any = postgresql if uow.session.get_bind().dialect.name == "postgresql" else sqlite
    # WHERE true: SQLite would read ON CONFLICT as a join constraint of the SELECT otherwise
    upsert = module.insert(table).from_select(names, select(given).where(true()))
    upsert = upsert.on_conflict_do_update(
        index_elements=["provider_id", "invoice_id", "charge_type"],
        set_={name: upsert.excluded[name] for name in ("quantity", "charges", "amount_minor")},
    )
    uow.execute(upsert)


def _quantity(value: Any) -> Decimal:
    # SQLite sums the text column as a float; quantities are not money, so six places suffice.
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(MICRO)
    return Decimal(str(value or 0))
