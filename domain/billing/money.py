"""Exact money: Decimal amounts rounded half-even to the currency's minor unit, once per line."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from sqlalchemy import Numeric, String, TypeDecorator
from sqlalchemy.engine import Dialect

from domain.currencies import MINOR_UNITS
from domain.errors import DomainError, DomainErrorCode

__all__ = ["MINOR_UNITS", "check_currency", "exact"]


def check_currency(currency: str, field: str = "currency") -> str:
    """The currency code, upper-cased, when Crossdock knows its minor unit."""
    code = (currency or "").strip().upper()
    if code not in MINOR_UNITS:
        raise DomainError(DomainErrorCode.INVALID, f"Unknown currency {currency!r}.", field)
    return code


def exact(value: Any, field: str = "amount") -> Decimal:
    """A Decimal from a Decimal, an int or a decimal string; a float is refused, never converted."""
    if isinstance(value, bool | float):
        raise TypeError(f"{field}: money never passes through float; got {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except ArithmeticError as error:
            message = f"{value!r} is not a number."
            raise DomainError(DomainErrorCode.INVALID, message, field) from error
    else:
        raise TypeError(f"{field}: expected Decimal, int or str; got {type(value).__name__}")
    if not result.is_finite():
        raise DomainError(DomainErrorCode.INVALID, f"{value!r} is not a number.", field)
    return result


def round_money(value: Decimal, currency: str) -> Decimal:
    """`value` rounded half-even to the minor unit of `currency`."""
    return exact(value).quantize(Decimal(1).scaleb(-MINOR_UNITS[currency]), ROUND_HALF_EVEN)


def line_amount(quantity: Decimal | int, unit_price: Decimal, currency: str) -> Decimal:
    """What one charge line costs: quantity times unit price, rounded once."""
    return round_money(exact(quantity, "quantity") * exact(unit_price, "unitPrice"), currency)


def to_minor(amount: Decimal, currency: str) -> int:
    """An amount already rounded to the minor unit, as an integer count of minor units."""
    scaled = exact(amount).scaleb(MINOR_UNITS[currency])
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} is finer than the minor unit of {currency}")
    return int(scaled)


def from_minor(minor: int, currency: str) -> Decimal:
    """An integer count of minor units as a Decimal amount of `currency`."""
    digits = MINOR_UNITS[currency]
    return Decimal(minor).scaleb(-digits).quantize(Decimal(1).scaleb(-digits))


def plain(value: Decimal) -> Decimal:
    """The same number without trailing zeros and never in exponent form (12.50 -> 12.5)."""
    reduced = value.normalize()
    return reduced.quantize(Decimal(1)) if reduced.as_tuple().exponent > 0 else reduced


class ExactDecimal(TypeDecorator[Decimal]):
    """A decimal stored exactly: NUMERIC on PostgreSQL, text on SQLite (whose NUMERIC is a float).

    Used for rates, unit prices and quantities; summed amounts are integer minor units instead,
    so that SQL aggregates stay exact on both databases.
    """

    impl = Numeric(28, 10)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(28, 10, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        number = plain(exact(value))
        return format(number, "f") if dialect.name == "sqlite" else number

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return plain(exact(value if isinstance(value, Decimal) else str(value)))
