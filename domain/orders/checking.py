"""Orders checked before any is created: the dry run behind a CSV import.

Each row gets exactly the answer `create_order` would give it now — new, already there
with the same content (a re-upload creates nothing), or refused with the error and field
creation would report — and nothing is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import DomainError, DomainErrorCode
from domain.orders.commands import CreateOrder
from domain.orders.creation import find_by_reference, same_content_or_conflict
from domain.orders.validation import clean_order, products_of
from tenants.errors import UserFacingError
from tenants.unit_of_work import TenantUnitOfWork

MAX_CHECKED_ORDERS = 500
"""Orders in one check; a larger file is checked in several calls."""


class CheckOutcome(StrEnum):
    """What creating a checked order would do."""

    NEW = "new"
    EXISTING = "existing"
    INVALID = "invalid"


@dataclass(frozen=True)
class OrderCheck:
    """The answer for one order of a batch, at its position in the batch."""

    index: int
    outcome: CheckOutcome
    error: UserFacingError | None = None


def check_orders(
    uow: TenantUnitOfWork, commands: Sequence[CreateOrder | UserFacingError]
) -> list[OrderCheck]:
    """Check each order as `create_order` would, writing nothing; one answer per order.

    An order whose input could not even be read (a malformed client id) is passed as the
    error that refused it, and answers INVALID in its place.
    """
    if len(commands) > MAX_CHECKED_ORDERS:
        raise DomainError(
            DomainErrorCode.OUT_OF_RANGE,
            f"Check at most {MAX_CHECKED_ORDERS} orders at a time; this has {len(commands)}.",
            "orders",
        )
    earlier: dict[tuple[uuid.UUID, str], int] = {}
    checks = []
    for index, command in enumerate(commands):
        try:
            if isinstance(command, UserFacingError):
                raise command
            outcome = _check_one(uow, index, command, earlier)
        except UserFacingError as error:
            checks.append(OrderCheck(index, CheckOutcome.INVALID, error))
        else:
            checks.append(OrderCheck(index, outcome))
    return checks


def _check_one(
    uow: TenantUnitOfWork,
    index: int,
    command: CreateOrder,
    earlier: dict[tuple[uuid.UUID, str], int],
) -> CheckOutcome:
    cleaned = clean_order(uow, command)
    assert cleaned.client_id is not None
    key = (cleaned.client_id, cleaned.external_reference)
    if key in earlier:
        raise DomainError(
            DomainErrorCode.DUPLICATE,
            f"Reference {cleaned.external_reference!r} is already in this batch "
            f"(order {earlier[key] + 1}); one order per reference.",
            "externalReference",
        )
    earlier[key] = index
    existing = find_by_reference(uow, cleaned)
    if existing is not None:
        same_content_or_conflict(existing, cleaned.content_hash())
        return CheckOutcome.EXISTING
    products_of(uow, cleaned.client_id, cleaned.lines)
    return CheckOutcome.NEW
