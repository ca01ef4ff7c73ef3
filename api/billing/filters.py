"""Filtering and sorting rate cards, charges and invoices."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.billing.inputs import BillingPeriodInput
from api.billing.types import ChargeTypeEnum, InvoiceStatusEnum, SourceTypeEnum
from api.errors import PublicError
from api.listing import SortDirection, sort_input
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


RateCardSort = sort_input(
    "RateCard", "rate card versions", ("CREATED_AT", "EFFECTIVE_FROM"), direction=SortDirection.DESC
)


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


ChargeSort = sort_input(
    "Charge", "charges", ("CREATED_AT", "OCCURRED_AT"), direction=SortDirection.DESC
)


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


InvoiceSort = sort_input(
    "Invoice", "invoices", ("CREATED_AT", "UPDATED_AT", "PERIOD"), direction=SortDirection.DESC
)
