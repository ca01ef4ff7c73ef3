"""Money in the schema: one `Money` type for every amount, one `MoneyInput`, ISO 4217 codes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

import strawberry

from domain.currencies import MINOR_UNITS, CurrencyCode


def _parse_decimal(value: object) -> Decimal:
    # A JSON number has passed through a float in most clients; only a string is exact.
    if not isinstance(value, str):
        raise ValueError('Write decimals as strings, e.g. "12.50".')
    try:
        number = Decimal(value.strip())
    except InvalidOperation as error:
        raise ValueError(f"{value!r} is not a decimal number.") from error
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a decimal number.")
    return number


DecimalScalar = strawberry.scalar(
    Decimal,
    name="Decimal",
    description='An exact decimal number, written as a string (e.g. "12.50"), never a float.',
    serialize=str,
    parse_value=_parse_decimal,
)
"""Replaces strawberry's Decimal, which also accepts JSON numbers."""


def _parse_datetime(value: object) -> datetime:
    # A time without an offset names no instant; storage is timezone-aware UTC.
    if not isinstance(value, str):
        raise ValueError("Write a date and time as an ISO 8601 string.")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone offset; add one, e.g. +00:00 or Z.")
    return moment


DateTimeScalar = strawberry.scalar(
    datetime,
    name="DateTime",
    description="Date with time (isoformat)",
    serialize=datetime.isoformat,
    parse_value=_parse_datetime,
)
"""Replaces strawberry's DateTime, which accepts times without an offset."""

CurrencyCodeEnum = strawberry.enum(
    CurrencyCode, name="CurrencyCode", description="An ISO 4217 currency code, e.g. EUR."
)
for _code in CurrencyCodeEnum.__strawberry_definition__.values:  # type: ignore[attr-defined]
    _places = MINOR_UNITS[_code.value]
    _code.description = f"ISO 4217 {_code.value}: amounts have {_places} decimal places."


@strawberry.type(description="An exact amount in a currency.")
class Money:
    amount: Decimal = strawberry.field(
        description='Exact, written as a decimal string, e.g. "12.50"; never a float.'
    )
    currency: CurrencyCodeEnum = strawberry.field(  # type: ignore[valid-type]
        description="The currency of the amount."
    )

    @classmethod
    def of(cls, amount: Decimal | None, currency: str | None) -> Money | None:
        """The amount in its currency; null when either is unknown."""
        if amount is None or currency is None:
            return None
        return cls(amount=amount, currency=currency)


@strawberry.input(description="An exact amount in a currency.")
class MoneyInput:
    amount: Decimal = strawberry.field(
        description='Exact, written as a decimal string, e.g. "12.50".'
    )
    currency: CurrencyCodeEnum = strawberry.field(  # type: ignore[valid-type]
        description="The currency of the amount."
    )
