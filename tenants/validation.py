"""Checks on names and codes shared by every create and update in Crossdock."""

from __future__ import annotations

import re

from tenants.errors import TenantErrorCode, UserFacingError

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def clean_text(value: str | None, field: str, max_length: int, *, required: bool = True) -> str:
    """`value` stripped; refused when blank (if required) or longer than `max_length`."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise UserFacingError(TenantErrorCode.REQUIRED, f"{field} must not be blank.", field)
    if len(cleaned) > max_length:
        raise UserFacingError(
            TenantErrorCode.TOO_LONG, f"{field} must be at most {max_length} characters.", field
        )
    return cleaned


def clean_code(value: str | None, field: str, max_length: int) -> str:
    """A short identifier: letters, digits, `_`, `.`, `-`, starting with a letter or digit."""
    cleaned = clean_text(value, field, max_length)
    if not _CODE.match(cleaned):
        raise UserFacingError(
            TenantErrorCode.INVALID,
            f"{field} may hold only letters, digits, '_', '.' and '-'.",
            field,
        )
    return cleaned
