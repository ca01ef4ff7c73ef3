"""Checks on catalog input: countries, currencies, time zones, quantities and amounts."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.currencies import MINOR_UNITS
from domain.errors import DomainError, DomainErrorCode
from tenants.validation import clean_text

_COUNTRY = re.compile(r"^[A-Z]{2}$")
MONEY_PLACES = 4
MONEY_DIGITS = 18
"""The precision of `persistence.base.Money`: refuse what it would round."""


def optional_text(value: str | None, field: str, max_length: int) -> str | None:
    """`value` stripped, None when blank; refused when too long."""
    return clean_text(value, field, max_length, required=False) or None


def clean_country(value: str | None, field: str) -> str:
    """An ISO 3166-1 alpha-2 country code, upper-cased."""
    cleaned = clean_text(value, field, 2).upper()
    if not _COUNTRY.match(cleaned):
        raise DomainError(DomainErrorCode.INVALID, f"{field} must be a 2-letter ISO code.", field)
    return cleaned


def clean_currency(value: str | None, field: str) -> str:
    """An ISO 4217 currency code, upper-cased."""
    cleaned = clean_text(value, field, 3).upper()
    if cleaned not in MINOR_UNITS:
        raise DomainError(DomainErrorCode.INVALID, f"{field} must be an ISO 4217 code.", field)
    return cleaned


def clean_timezone(value: str | None, field: str) -> str:
    """An IANA time zone name known to this system, e.g. Europe/Berlin."""
    cleaned = clean_text(value, field, 64)
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise DomainError(
            DomainErrorCode.INVALID, f"{cleaned!r} is not a known time zone.", field
        ) from error
    return cleaned


def non_negative(value: int | None, field: str) -> int:
    """A whole number of zero or more."""
    if value is None:
        raise DomainError(DomainErrorCode.REQUIRED, f"{field} is required.", field)
    if value < 0:
        raise DomainError(DomainErrorCode.INVALID, f"{field} must not be negative.", field)
    return value


def positive(value: int | None, field: str) -> int:
    """A whole number above zero."""
    if value is None:
        raise DomainError(DomainErrorCode.REQUIRED, f"{field} is required.", field)
    if value <= 0:
        raise DomainError(DomainErrorCode.NOT_POSITIVE, f"{field} must be above zero.", field)
    return value


def clean_amount(value: Decimal, field: str) -> Decimal:
    """A money amount of zero or more that storage keeps exactly, at storage scale."""
    try:
        exponent = value.as_tuple().exponent
        fits = value.is_finite() and isinstance(exponent, int) and -exponent <= MONEY_PLACES
        fits = fits and value.adjusted() < MONEY_DIGITS - MONEY_PLACES
    except (InvalidOperation, AttributeError):
        fits = False
    if not fits:
        raise DomainError(
            DomainErrorCode.INVALID,
            f"{field} must be a number with at most {MONEY_PLACES} decimal places.",
            field,
        )
    if value < 0:
        raise DomainError(DomainErrorCode.INVALID, f"{field} must not be negative.", field)
    # at storage scale, so what a write answers equals what later reads answer
    return value.quantize(Decimal(1).scaleb(-MONEY_PLACES))


MAX_TAGS = 20
TAG_MAX = 40


def clean_tags(values: list[str], field: str) -> list[str]:
    """Labels stripped and de-duplicated: at most MAX_TAGS, each at most TAG_MAX long."""
    if len(values) > MAX_TAGS:
        raise DomainError(DomainErrorCode.OUT_OF_RANGE, f"At most {MAX_TAGS} tags.", field)
    cleaned: list[str] = []
    for index, value in enumerate(values):
        tag = clean_text(value, f"{field}.{index}", TAG_MAX)
        if tag not in cleaned:
            cleaned.append(tag)
    return cleaned
