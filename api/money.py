"""Money in the schema: one `Money` type for every amount, one `MoneyInput`, ISO 4217 codes."""

from __future__ import annotations

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
