"""Errors in the schema: user errors on payloads, coded refusals, masking for the rest."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from itertools import chain
from typing import Any

import strawberry
from graphql import GraphQLError, VariableDefinitionNode
from sqlalchemy.exc import StatementError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import MaskErrors
from strawberry.relay import GlobalIDValueError
from strawberry.types import ExecutionContext
from strawberry.types.execution import PreExecutionError

from api.descriptions import described_enum
from domain.errors import DomainErrorCode
from tenants.errors import TenantErrorCode, UserFacingError

log = logging.getLogger("crossdock.api")

_CODES = StrEnum(  # type: ignore[misc]
    "ErrorCode", {code.value: code.value for code in chain(TenantErrorCode, DomainErrorCode)}
)
ErrorCode = described_enum(
    _CODES,
    name="ErrorCode",
    description="Why a mutation was refused.",
    values={
        _CODES(code): text
        for code, text in {
            "REQUIRED": "A value the request needs is missing or blank.",
            "TOO_LONG": "A value is longer than allowed.",
            "INVALID": "A value is malformed or not one of those allowed.",
            "DUPLICATE": "Something with that code, SKU or reference exists already.",
            "NOT_FOUND": "No such object, or it is not the caller's (the two look the same).",
            "UNKNOWN_SCOPE": "A scope that does not exist.",
            "SCOPE_NOT_GRANTABLE": "A scope this kind of key may not have.",
            "FORBIDDEN": "The caller's kind of key may not do this to this object.",
            "ARCHIVED": "The object is archived and takes no new work.",
            "CONFLICT": "The object's state or a change made at the same time stands in the way.",
            "INSUFFICIENT_STOCK": "Not enough units for the change.",
            "ILLEGAL_TRANSITION": "The object's current status does not allow this step.",
            "TOO_MANY_LINES": "More lines than one request may carry.",
            "IDEMPOTENCY_CONFLICT": "The reference was used before with other content.",
            "NOT_POSITIVE": "A quantity or amount must be above zero.",
            "INVALID_ID": "An id that is malformed or names another type of object.",
            "OUT_OF_RANGE": "A number outside the allowed range.",
            "UNMAPPED_SKU": "A channel SKU names no product; map it first.",
            "ALREADY_CONNECTED": "The shop has a live channel connection already.",
        }.items()
        if code in _CODES.__members__
    },
)


@strawberry.type
class UserError:
    """A refusal the caller can fix: which input field, a stable code, a message."""

    field: list[str] | None = strawberry.field(
        description='The path inside `input`, e.g. ["lines", "0", "sku"]; null for the whole input.'
    )
    code: ErrorCode = strawberry.field(  # type: ignore[valid-type]
        description="A stable code for programs to act on."
    )
    message: str = strawberry.field(description="What went wrong, for people to read.")


def field_path(field: str | None) -> list[str] | None:
    """A domain error's dotted field ("lines.0.sku") as the path list clients get."""
    return field.split(".") if field else None


def user_errors(error: UserFacingError) -> list[UserError]:
    """The payload form of a refused mutation."""
    return [
        UserError(
            field=field_path(error.field), code=ErrorCode(error.code.value), message=error.message
        )
    ]


class PublicError(GraphQLError):
    """An error whose message and code are safe to show: authentication, permission, limits."""

    def __init__(self, code: str, message: str):
        super().__init__(message, extensions={"code": code})


INVALID_ID_MESSAGE = "Not a valid id; ids are the opaque strings this API returns."


def _should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    return original is not None and not isinstance(original, PublicError)


def _bad_input(error: GraphQLError) -> GraphQLError | None:
    """The caller's own mistake in a value, as a coded error; None for anything else.

    A variable whose value does not fit its type fails before execution, on the variable's
    definition; graphql-core's message names the variable and the path inside it. An id
    that does not decode fails while arguments are read.
    """
    original = error.original_error
    if isinstance(original, GlobalIDValueError):
        return _recoded(error, INVALID_ID_MESSAGE, {"code": "INVALID_ID"})
    if error.path is None and isinstance(original, ValueError | TypeError | GraphQLError):
        # before execution: a value a scalar refused, as a variable or as a literal
        extensions = {"code": "BAD_USER_INPUT"}
        if error.nodes and isinstance(error.nodes[0], VariableDefinitionNode):
            extensions["variable"] = error.nodes[0].variable.name.value
        return _recoded(error, error.message, extensions)
    if isinstance(original, StrawberryInputCoercionError):
        return _recoded(error, error.message, {"code": "BAD_USER_INPUT"})
    if original is None and error.path is None and not error.extensions:
        # a validation rule refused the document itself (an unknown field, a literal of the
        # wrong type): the caller's mistake, coded so programs need not parse messages
        return _recoded(error, error.message, {"code": "GRAPHQL_VALIDATION_FAILED"})
    return None


def _recoded(error: GraphQLError, message: str, extensions: dict[str, str]) -> GraphQLError:
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


class _MaskUnexpected(MaskErrors):
    """Code the caller's mistakes; replace any other unexpected error by a generic one
    carrying an id, and log it under that id."""

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        return super()._process_errors([_bad_input(error) or error for error in errors])

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        error_id = secrets.token_hex(8)
        original = error.original_error
        if isinstance(original, StatementError):
            original.hide_parameters = True
        log.error("unexpected error %s at %s", error_id, error.path, exc_info=original)
        return GraphQLError(
            message=f"Internal error {error_id}. It has been logged.",
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_ERROR", "errorId": error_id},
        )


@contextmanager
def statement_values_hidden() -> Iterator[None]:
    """Strip row values from a failed statement's message before anything formats it.

    graphql-core copies the message into the error and strawberry logs it before masking;
    the values may be secrets (webhook secrets, carrier keys).
    """
    try:
        yield
    except StatementError as error:
        error.hide_parameters = True
        raise


class CrossdockSchema(strawberry.Schema):
    """Strawberry's schema without its error log, which would log every expected refusal
    (a bad key, a missing scope, a query too costly) at ERROR with a traceback, and every
    unexpected error a second time: masking already logs those, under their error id.
    Execution checks awaitables by type (api/execution.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from api.execution import CrossdockExecutionContext

        kwargs.setdefault("execution_context_class", CrossdockExecutionContext)
        super().__init__(*args, **kwargs)

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            log.info("refused: %s", error.message)

    async def _prepare_operation_async(
        self, context: ExecutionContext, extensions_runner: Any
    ) -> PreExecutionError | None:
        """Parse and validate; a refusal raised by an extension before execution (a document
        too large, a bad key) answers like a validation error, over HTTP and WebSocket alike.

        Strawberry reports such an exception over HTTP, but over a WebSocket it would end the
        operation with no answer at all.
        """
        try:
            return await super()._prepare_operation_async(context, extensions_runner)
        except PublicError as error:
            context.pre_execution_errors = [error]
            return PreExecutionError(data=None, errors=[error])


def error_masking() -> MaskErrors:
    """Hide every unexpected error's message; log it instead, under an id the caller sees."""
    return _MaskUnexpected(should_mask_error=_should_mask)
