"""Charges: one row per billed act, unique on its source; manual charges and credits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from domain.billing.models import Charge, ChargeType, RateCard, SourceType
from domain.billing.money import exact, line_amount, round_money, to_minor
from domain.billing.open_periods import billing_month, first_open_months
from domain.billing.rate_cards import card_in_force
from domain.errors import DomainError, DomainErrorCode
from domain.limits import check_decimal
from persistence.base import new_id, utcnow
from tenants.models import Client
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork

UNIQUE_SOURCE = ("provider_id", "charge_type", "source_type", "source_id")
REASON_MAX = 500
DESCRIPTION_MAX = 200


@dataclass(frozen=True)
class PricedAct:
    """A billable act priced by a rate card version, ready to become a charge."""

    client_id: uuid.UUID
    charge_type: ChargeType
    source_type: SourceType
    source_id: str
    occurred_at: datetime
    quantity: Decimal
    unit_price: Decimal
    description: str
    event_id: uuid.UUID | None = None
    warehouse_id: uuid.UUID | None = None
    service_date: Any = None


def charge_rows(scope: TenantScope, card: RateCard, acts: list[PricedAct]) -> list[dict]:
    """Insertable rows for `acts`, each amount rounded once, half-even, to the minor unit."""
    rows = []
    for act in acts:
        amount = line_amount(act.quantity, act.unit_price, card.currency)
        rows.append(
            {
                "provider_id": scope.provider_id,
                "id": new_id(),
                "client_id": act.client_id,
                "charge_type": act.charge_type,
                "source_type": act.source_type,
                "source_id": act.source_id,
                "event_id": act.event_id,
                "rate_card_id": card.id,
                "rate_card_version": card.version,
                "warehouse_id": act.warehouse_id,
                "occurred_at": act.occurred_at,
                "service_date": act.service_date or act.occurred_at.date(),
                "quantity": act.quantity,
                "unit_price": act.unit_price,
                "amount_minor": to_minor(amount, card.currency),
                "currency": card.currency,
                "description": act.description[:DESCRIPTION_MAX],
                "actor": "billing",
                "created_at": utcnow(),
            }
        )
    return rows


def insert_charges(uow: TenantUnitOfWork, rows: list[dict]) -> int:
    """Insert charge rows, each stamped with the month it is billed in, skipping any whose
    source is billed already; how many were new."""
    if not rows:
        return 0
    first_open = first_open_months(uow, {row["client_id"] for row in rows})
    for row in rows:
        row["billing_period"] = billing_month(row["service_date"], first_open[row["client_id"]])
    inserted = uow.session.execute(_insert_ignoring_duplicates(uow.session), rows)
    return len(inserted.all())


@dataclass(frozen=True)
class ManualCharge:
    """A charge or credit entered by the provider, with its reason."""

    client_id: uuid.UUID
    amount: Decimal
    reason: str
    description: str
    credit: bool = False
    charge_type: ChargeType = ChargeType.MANUAL
    reference: str | None = None
    """Makes the entry idempotent: the same reference never bills twice."""
    occurred_at: datetime | None = None
    currency: str | None = None
    """The currency the amount was given in; it must be the card's. None: the card's."""


def add_manual_charge(uow: TenantUnitOfWork, entry: ManualCharge) -> Charge:
    """Bill (or credit) a client by hand; the amount is priced in the client's card currency."""
    if not uow.scope.is_provider:
        raise DomainError(DomainErrorCode.FORBIDDEN, "Only a provider bills by hand.")
    client = uow.get_or_not_found(Client, entry.client_id, "client", "clientId")
    reason = (entry.reason or "").strip()
    if not reason:
        raise DomainError(DomainErrorCode.REQUIRED, "Say why.", "reason")
    if len(reason) > REASON_MAX:
        raise DomainError(DomainErrorCode.TOO_LONG, "The reason is too long.", "reason")
    amount = check_decimal(exact(entry.amount, "amount"), "amount")
    if amount <= 0:
        raise DomainError(DomainErrorCode.NOT_POSITIVE, "Give a positive amount.", "amount")
    when = entry.occurred_at or utcnow()
    card = card_in_force(uow, client.id, when)
    if card is None:
        raise DomainError(
            DomainErrorCode.INVALID, "The client has no rate card, so no currency.", "clientId"
        )
    if entry.currency is not None and entry.currency != card.currency:
        raise DomainError(
            DomainErrorCode.INVALID,
            f"The client is billed in {card.currency}, not {entry.currency}.",
            "amount.currency",
        )
    if round_money(amount, card.currency) != amount:
        raise DomainError(
            DomainErrorCode.INVALID,
            f"{card.currency} has no amounts finer than its cents.",
            "amount",
        )
    charge_type = ChargeType.CREDIT if entry.credit else entry.charge_type
    if charge_type in (ChargeType.MINIMUM_TOP_UP,) or (
        not entry.credit and charge_type is ChargeType.CREDIT
    ):
        raise DomainError(DomainErrorCode.INVALID, "Not a charge type to enter by hand.", "type")
    signed = -amount if entry.credit else amount
    row = charge_rows(
        uow.scope,
        card,
        [
            PricedAct(
                client_id=client.id,
                charge_type=charge_type,
                source_type=SourceType.MANUAL,
                source_id=(entry.reference or str(new_id()))[:64],
                occurred_at=when,
                quantity=Decimal(1),
                unit_price=signed,
                description=entry.description or reason,
            )
        ],
    )[0] | {"reason": reason, "actor": uow.scope.actor}
    insert_charges(uow, [row])
    charge = uow.scalar(
        uow.select(Charge).where(
            Charge.charge_type == charge_type,
            Charge.source_type == SourceType.MANUAL,
            Charge.source_id == row["source_id"],
        )
    )
    assert charge is not None
    if (charge.client_id, charge.unit_price, charge.reason) != (client.id, signed, reason):
        # The reference is unique per provider and type: its earlier use must be this very entry.
        raise DomainError(
            DomainErrorCode.IDEMPOTENCY_CONFLICT,
            f"Reference {row['source_id']!r} was used for another entry.",
            "reference",
        )
    return charge


def _insert_ignoring_duplicates(session: Session) -> Insert:
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    table = Charge.__table__
    return (
        module.insert(table)
        .on_conflict_do_nothing(index_elements=list(UNIQUE_SOURCE))
        .returning(table.c.id)
    )
