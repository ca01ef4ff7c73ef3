"""The largest numbers Crossdock accepts, checked before anything reaches the database.

GraphQL's Int already stops at 2^31 - 1, but a level summed from several such changes
would not fit the 32-bit columns, and a decimal such as "1e999999" fits no column at all.
docs/api.md lists these limits under "Limits".
"""

from __future__ import annotations

from decimal import Decimal

from domain.errors import DomainError, DomainErrorCode

MAX_QUANTITY = 1_000_000
"""Units in any one quantity given: an order line, an adjustment, a count, an inbound line."""
MAX_STOCK_LEVEL = 1_000_000_000
"""Units a product may have on hand (or allocated, unsellable, incoming) in one warehouse."""
MAX_DECIMAL_DIGITS = 12
"""Digits before the decimal point of a rate or an amount: below a trillion."""
MAX_DECIMAL_PLACES = 10
"""Digits after the decimal point of a rate or an amount."""


def check_quantity(value: int, field: str) -> int:
    """`value` when no larger than MAX_QUANTITY either way."""
    if abs(value) > MAX_QUANTITY:
        raise DomainError(
            DomainErrorCode.OUT_OF_RANGE, f"{field} must be at most {MAX_QUANTITY}.", field
        )
    return value


def check_stock_level(levels: dict[str, int], field: str = "quantity") -> None:
    """Refuse a change that would leave any bucket of a level above MAX_STOCK_LEVEL."""
    bucket, highest = max(levels.items(), key=lambda item: item[1])
    if highest > MAX_STOCK_LEVEL:
        raise DomainError(
            DomainErrorCode.OUT_OF_RANGE,
            f"That would make {bucket} {highest}; at most {MAX_STOCK_LEVEL} units fit one "
            "product in one warehouse.",
            field,
        )


def check_decimal(value: Decimal, field: str) -> Decimal:
    """`value` when finite, below 10^MAX_DECIMAL_DIGITS, with at most MAX_DECIMAL_PLACES."""
    fits = value.is_finite() and (
        value.is_zero()
        or (value.adjusted() < MAX_DECIMAL_DIGITS and _places(value) <= MAX_DECIMAL_PLACES)
    )
    if not fits:
        raise DomainError(
            DomainErrorCode.OUT_OF_RANGE,
            f"{field} must be below 10^{MAX_DECIMAL_DIGITS} with at most "
            f"{MAX_DECIMAL_PLACES} decimal places.",
            field,
        )
    return value


def _places(value: Decimal) -> int:
    """Digits after the point once trailing zeros are dropped (12.50 has 1)."""
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + zeros))
