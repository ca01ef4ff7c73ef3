"""Errors of the tenancy layer; the base every business error in Crossdock extends."""

from __future__ import annotations

from enum import StrEnum


class TenantErrorCode(StrEnum):
    """Why a tenancy request was refused."""

    REQUIRED = "REQUIRED"
    TOO_LONG = "TOO_LONG"
    INVALID = "INVALID"
    DUPLICATE = "DUPLICATE"
    NOT_FOUND = "NOT_FOUND"
    UNKNOWN_SCOPE = "UNKNOWN_SCOPE"
    SCOPE_NOT_GRANTABLE = "SCOPE_NOT_GRANTABLE"
    FORBIDDEN = "FORBIDDEN"


class UserFacingError(Exception):
    """An expected refusal, shown to the caller as a user error: a code, a message, a field."""

    def __init__(self, code: StrEnum, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class NotFoundError(UserFacingError):
    """No such row for this caller: a missing row and another tenant's row answer alike."""

    def __init__(self, what: str, field: str = "id", message: str | None = None):
        super().__init__(TenantErrorCode.NOT_FOUND, message or f"No such {what}.", field)


class TenantError(UserFacingError):
    """A tenancy request refused for a reason the caller can fix."""


class AuthenticationError(Exception):
    """The request carries no usable API key."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message
