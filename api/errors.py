"""Errors in the schema: user errors on payloads, coded refusals, masking for the rest."""

from __future__ import annotations

import logging
from enum import StrEnum
from itertools import chain

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from domain.errors import DomainErrorCode
from tenants.errors import TenantErrorCode, UserFacingError

log = logging.getLogger("crossdock.api")

ErrorCode = strawberry.enum(
    StrEnum(  # type: ignore[misc]
        "ErrorCode",
        {code.value: code.value for code in chain(TenantErrorCode, DomainErrorCode)},
    ),
    description="Why a mutation was refused.",
)


@strawberry.type
class UserError:
    """A refusal the caller can fix: which input field, a stable code, a message."""

    field: str | None
    code: ErrorCode  # type: ignore[valid-type]
    message: str


def user_errors(error: UserFacingError) -> list[UserError]:
    """The payload form of a refused mutation."""
    return [UserError(field=error.field, code=ErrorCode(error.code.value), message=error.message)]


class PublicError(GraphQLError):
    """An error whose message and code are safe to show: authentication, permission, limits."""

    def __init__(self, code: str, message: str):
        super().__init__(message, extensions={"code": code})


def _should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, PublicError):
        return False
    log.error("unexpected error", exc_info=original)
    return True


def error_masking() -> MaskErrors:
    """Hide every unexpected error's message; log it instead."""
    return MaskErrors(
        should_mask_error=_should_mask,
        error_message="Internal error. It has been logged.",
    )
