"""The error tree of the business rules."""

from __future__ import annotations

from enum import StrEnum

from tenants.errors import NotFoundError, UserFacingError


class DomainErrorCode(StrEnum):
    """Why a business request was refused."""

    REQUIRED = "REQUIRED"
    INVALID = "INVALID"
    TOO_LONG = "TOO_LONG"
    DUPLICATE = "DUPLICATE"
    ARCHIVED = "ARCHIVED"
    CONFLICT = "CONFLICT"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    ILLEGAL_TRANSITION = "ILLEGAL_TRANSITION"
    TOO_MANY_LINES = "TOO_MANY_LINES"
    IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"
    NOT_POSITIVE = "NOT_POSITIVE"
    FORBIDDEN = "FORBIDDEN"
    INVALID_ID = "INVALID_ID"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    UNMAPPED_SKU = "UNMAPPED_SKU"
    ALREADY_CONNECTED = "ALREADY_CONNECTED"


class DomainError(UserFacingError):
    """A business rule refused the request; nothing was written."""


class UnmappedSkusError(DomainError):
    """UNMAPPED_SKU: channel SKUs of an order still map to no product; `skus` names them."""

    def __init__(self, skus: tuple[str, ...], message: str, field: str | None = "id"):
        super().__init__(DomainErrorCode.UNMAPPED_SKU, message, field)
        self.skus = skus


def not_found(what: str, field: str = "id") -> NotFoundError:
    """The one answer for a missing row and for a row of another tenant."""
    return NotFoundError(what, field)


def invalid_id(what: str, field: str = "id") -> DomainError:
    """An id that cannot name a `what` at all: malformed, or of another type."""
    return DomainError(
        DomainErrorCode.INVALID_ID,
        f"Not a valid {what} id; ids are the strings this API returns.",
        field,
    )
