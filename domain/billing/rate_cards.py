"""Rate cards: append-only price versions per client, with a provider default, in force by time."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, or_

from domain.billing.models import RateCard, WarehouseStorageRate
from domain.billing.money import check_currency, exact
from domain.catalog.models import Warehouse
from domain.errors import DomainError, DomainErrorCode
from domain.limits import check_decimal
from tenants.models import Client
from tenants.unit_of_work import TenantUnitOfWork

RATE_FIELDS = (
    "receiving_per_unit",
    "receiving_per_receipt",
    "receiving_per_asn",
    "storage_per_unit_day",
    "storage_per_cubic_metre_day",
    "pick_per_order",
    "pick_per_additional_unit",
    "packaging_per_order",
    "shipping_markup_percent",
    "shipping_flat_fee",
    "drop_ship_per_order",
    "drop_ship_per_unit",
    "monthly_minimum",
    "tax_rate_percent",
)
"""The prices a card may set; an unset one means the act is not billed."""


@dataclass(frozen=True)
class StorageRateOverride:
    """Storage prices of one warehouse, overriding the card's own."""

    warehouse_id: uuid.UUID
    per_unit_day: Decimal | None = None
    per_cubic_metre_day: Decimal | None = None


@dataclass(frozen=True)
class NewRateCard:
    """A new version of a client's card (or of the provider default when `client_id` is None)."""

    client_id: uuid.UUID | None
    effective_from: datetime
    currency: str
    rates: dict[str, Decimal | None] = field(default_factory=dict)
    storage_overrides: tuple[StorageRateOverride, ...] = ()
    note: str | None = None


def create_rate_card(uow: TenantUnitOfWork, new: NewRateCard) -> RateCard:
    """Add the next version of a card; versions never change and never go back in time."""
    if new.client_id is not None:
        uow.get_or_not_found(Client, new.client_id, "client", "clientId")
    if new.effective_from.tzinfo is None:
        raise DomainError(DomainErrorCode.INVALID, "Give a time zone.", "effectiveFrom")
    currency = check_currency(new.currency)
    _check_provider_currency(uow, currency)
    latest = _latest_version(uow, new.client_id)
    if latest is not None and new.effective_from <= latest.effective_from:
        raise DomainError(
            DomainErrorCode.INVALID,
            "A new version must take effect after the latest one "
            f"({latest.effective_from.isoformat()}).",
            "effectiveFrom",
        )
    card = RateCard(
        provider_id=uow.scope.provider_id,
        client_id=new.client_id,
        version=(latest.version + 1) if latest else 1,
        effective_from=new.effective_from,
        currency=currency,
        note=new.note,
        created_by=uow.scope.actor,
        **_rates(new.rates),
    )
    uow.add(card)
    uow.flush()
    seen: set[uuid.UUID] = set()
    for index, override in enumerate(new.storage_overrides):
        if override.warehouse_id in seen:
            raise DomainError(
                DomainErrorCode.DUPLICATE,
                "A warehouse has one storage rate per card; this one is on an earlier row.",
                f"storageRates.{index}.warehouseId",
            )
        seen.add(override.warehouse_id)
        _add_override(uow, card, override, f"storageRates.{index}")
    return card


def card_in_force(uow: TenantUnitOfWork, client_id: uuid.UUID, at: datetime) -> RateCard | None:
    """The version pricing `client_id`'s acts at `at`: its own card, else the provider default."""
    stmt = (
        uow.select(RateCard)
        .where(
            or_(RateCard.client_id == client_id, RateCard.client_id.is_(None)),
            RateCard.effective_from <= at,
        )
        .order_by(RateCard.client_id.is_(None), RateCard.effective_from.desc())
        .limit(1)
    )
    return uow.scalar(stmt)


def cards_in_force(
    uow: TenantUnitOfWork, client_ids: list[uuid.UUID], at: datetime
) -> dict[uuid.UUID, RateCard | None]:
    """`card_in_force` of many clients at once, in one query."""
    stmt = (
        uow.select(RateCard)
        .where(
            or_(RateCard.client_id.in_(client_ids), RateCard.client_id.is_(None)),
            RateCard.effective_from <= at,
        )
        .order_by(RateCard.effective_from.desc())
    )
    own: dict[uuid.UUID, RateCard] = {}
    default: RateCard | None = None
    for card in uow.scalars(stmt):
        if card.client_id is None:
            default = default or card
        else:
            own.setdefault(card.client_id, card)
    return {client_id: own.get(client_id, default) for client_id in client_ids}


@dataclass(frozen=True)
class CardVersions:
    """The card versions of some clients and the provider default's, newest first, to price
    many acts without a query each (`card_in_force` for each of them)."""

    own: dict[uuid.UUID, list[RateCard]]
    default: list[RateCard]

    def in_force(self, client_id: uuid.UUID, at: datetime) -> RateCard | None:
        """`card_in_force(client_id, at)`: the client's own version, else the default's."""
        for card in self.own.get(client_id, ()):
            if card.effective_from <= at:
                return card
        return next((card for card in self.default if card.effective_from <= at), None)


def card_versions(
    uow: TenantUnitOfWork, client_ids: Iterable[uuid.UUID], until: datetime
) -> CardVersions:
    """Every version of the clients' cards and of the default taking effect by `until`, in
    one query (versions are few: one per price change)."""
    stmt = (
        uow.select(RateCard)
        .where(
            or_(RateCard.client_id.in_(set(client_ids)), RateCard.client_id.is_(None)),
            RateCard.effective_from <= until,
        )
        .order_by(RateCard.effective_from.desc())
    )
    own: dict[uuid.UUID, list[RateCard]] = {}
    default: list[RateCard] = []
    for card in uow.scalars(stmt):
        if card.client_id is None:
            default.append(card)
        else:
            own.setdefault(card.client_id, []).append(card)
    return CardVersions(own, default)


def storage_rates(
    uow: TenantUnitOfWork, card: RateCard, warehouse_id: uuid.UUID
) -> tuple[Decimal | None, Decimal | None]:
    """(per unit-day, per cubic-metre-day) of `card` in one warehouse."""
    override = uow.scalar(
        uow.select(WarehouseStorageRate).where(
            WarehouseStorageRate.rate_card_id == card.id,
            WarehouseStorageRate.warehouse_id == warehouse_id,
        )
    )
    if override is None:
        return card.storage_per_unit_day, card.storage_per_cubic_metre_day
    return override.per_unit_day, override.per_cubic_metre_day


def _latest_version(uow: TenantUnitOfWork, client_id: uuid.UUID | None) -> RateCard | None:
    series = RateCard.client_id.is_(None) if client_id is None else RateCard.client_id == client_id
    return uow.scalar(uow.select(RateCard).where(series).order_by(RateCard.version.desc()).limit(1))


def _check_provider_currency(uow: TenantUnitOfWork, currency: str) -> None:
    # One currency per provider keeps every invoice in one currency; say so plainly.
    others = uow.scalar(uow.select(RateCard, func.count()).where(RateCard.currency != currency))
    if others:
        raise DomainError(
            DomainErrorCode.CONFLICT,
            "Every rate card of a provider bills in the same currency.",
            "currency",
        )


def _rates(
    rates: dict[str, Decimal | None], field_of: Callable[[str], str] | None = None
) -> dict[str, Decimal | None]:
    unknown = set(rates) - set(RATE_FIELDS)
    if unknown:
        raise ValueError(f"unknown rates: {sorted(unknown)}")
    name_field = field_of or _field
    checked = {
        name: None if v is None else check_decimal(exact(v, name_field(name)), name_field(name))
        for name, v in rates.items()
    }
    for name, value in checked.items():
        if value is not None and value < 0:
            raise DomainError(
                DomainErrorCode.INVALID, "Rates cannot be negative.", name_field(name)
            )
    return checked


def _field(rate: str) -> str:
    """The input field a rate came in as: `pick_per_order` is `pickPerOrder`."""
    first, *rest = rate.split("_")
    return first + "".join(word.title() for word in rest)


def _add_override(
    uow: TenantUnitOfWork, card: RateCard, override: StorageRateOverride, row: str
) -> None:
    """One warehouse's storage rates; errors name the row (`storageRates.<i>.<part>`)."""
    uow.get_or_not_found(Warehouse, override.warehouse_id, "warehouse", f"{row}.warehouseId")
    parts = {
        "storage_per_unit_day": "perUnitDay",
        "storage_per_cubic_metre_day": "perCubicMetreDay",
    }
    rates = _rates(
        {
            "storage_per_unit_day": override.per_unit_day,
            "storage_per_cubic_metre_day": override.per_cubic_metre_day,
        },
        lambda name: f"{row}.{parts[name]}",
    )
    uow.add(
        WarehouseStorageRate(
            provider_id=uow.scope.provider_id,
            client_id=card.client_id,
            rate_card_id=card.id,
            warehouse_id=override.warehouse_id,
            per_unit_day=rates["storage_per_unit_day"],
            per_cubic_metre_day=rates["storage_per_cubic_metre_day"],
        )
    )
    uow.flush()
