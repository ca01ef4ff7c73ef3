"""Filtering and sorting rate cards, charges and invoices."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry import relay

from api.billing.inputs import BillingPeriodInput
from api.billing.types import ChargeTypeEnum, InvoiceStatusEnum, SourceTypeEnum
from api.errors import PublicError
from api.listing import Sort, SortDirection
from domain.billing.periods import Period
from domain.errors import DomainError


def period_filter(period: BillingPeriodInput | None) -> Period | None:
    """The period a list is narrowed to; a month that does not exist is refused."""
    if period is None:
        return None
    try:
        return period.period()
    except DomainError as error:
        raise PublicError("INVALID_PERIOD", error.message) from error


@strawberry.input(description="Which rate card versions to list; all fields must match.")
class RateCardFilterInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Versions of this client's card."
    )


@strawberry.enum(description="What rate card versions can be sorted by (they never change).")
class RateCardSortField(Enum):
    CREATED_AT = "created_at"
    EFFECTIVE_FROM = "effective_from"


@strawberry.input(description="How to sort rate card versions; newest first by default.")
class RateCardSort(Sort):
    field: RateCardSortField = RateCardSortField.CREATED_AT
    direction: SortDirection = SortDirection.DESC


@strawberry.input(description="Which charges to list; all fields must match.")
class ChargeFilterInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Charges of this client."
    )
    period: BillingPeriodInput | None = strawberry.field(
        default=None, description="Charges whose service date falls in this month."
    )
    charge_type: list[ChargeTypeEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Charges of any of these types."
    )
    source_type: list[SourceTypeEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Charges from any of these kinds of source."
    )
    source_id: str | None = strawberry.field(
        default=None, description="Charges from this source (e.g. a fulfillment order's id)."
    )
    invoice_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Charges on this invoice."
    )


@strawberry.enum(description="What charges can be sorted by (they never change).")
class ChargeSortField(Enum):
    CREATED_AT = "created_at"
    OCCURRED_AT = "occurred_at"


@strawberry.input(description="How to sort charges; newest first by default.")
class ChargeSort(Sort):
    field: ChargeSortField = ChargeSortField.CREATED_AT
    direction: SortDirection = SortDirection.DESC


@strawberry.input(description="Which invoices to list; all fields must match.")
class InvoiceFilterInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Invoices of this client."
    )
    period: BillingPeriodInput | None = strawberry.field(
        default=None, description="Invoices for this month."
    )
    status: list[InvoiceStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Invoices in any of these states."
    )


@strawberry.enum(description="What invoices can be sorted by.")
class InvoiceSortField(Enum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    PERIOD = "period_start"


@strawberry.input(description="How to sort invoices; newest first by default.")
class InvoiceSort(Sort):
    field: InvoiceSortField = InvoiceSortField.CREATED_AT
    direction: SortDirection = SortDirection.DESC
