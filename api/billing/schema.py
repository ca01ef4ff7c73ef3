"""Billing queries: rate cards, charges and invoices, each within the caller's scope."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.billing.filters import (
    ChargeFilterInput,
    ChargeSort,
    InvoiceFilterInput,
    InvoiceSort,
    RateCardFilterInput,
    RateCardSort,
    period_filter,
)
from api.billing.mutations import Mutation
from api.billing.types import ChargeType_, InvoiceType, RateCardType
from api.context import Context
from api.listing import any_of, filter_id, read_page
from api.permissions import requires
from api.relay import Page, by_id
from domain.billing import queries
from domain.billing.invoice_models import Invoice, InvoiceStatus
from domain.billing.models import ChargeType, SourceType

__all__ = ["Mutation", "Query"]


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[requires("billing:read")])
    async def rate_cards(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: RateCardFilterInput | None = None,
        sort: RateCardSort | None = None,
    ) -> relay.Connection[RateCardType]:
        """Rate card versions, newest first unless sorted otherwise; a client key sees its own."""
        client = filter_id(filter.client_id if filter else None, "Client")
        return await read_page(
            info,
            RateCardType,
            lambda scope: queries.rate_cards(scope, client),
            sort or RateCardSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[requires("billing:read")])
    async def charges(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: ChargeFilterInput | None = None,
        sort: ChargeSort | None = None,
    ) -> relay.Connection[ChargeType_]:
        """Charges, newest first unless sorted otherwise."""
        where = filter or ChargeFilterInput()
        client = filter_id(where.client_id, "Client")
        invoice = filter_id(where.invoice_id, "Invoice")
        month = period_filter(where.period)
        return await read_page(
            info,
            ChargeType_,
            lambda scope: queries.charges(
                scope,
                client_id=client,
                period=month,
                charge_types=any_of(where.charge_type, ChargeType),
                source_types=any_of(where.source_type, SourceType),
                source_id=where.source_id,
                invoice_id=invoice,
            ),
            sort or ChargeSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[requires("billing:read")])
    async def invoices(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: InvoiceFilterInput | None = None,
        sort: InvoiceSort | None = None,
    ) -> relay.Connection[InvoiceType]:
        """Invoices, newest first unless sorted otherwise."""
        where = filter or InvoiceFilterInput()
        client = filter_id(where.client_id, "Client")
        month = period_filter(where.period)
        return await read_page(
            info,
            InvoiceType,
            lambda scope: queries.invoices(
                scope,
                client_id=client,
                period=month,
                statuses=any_of(where.status, InvoiceStatus),
            ),
            sort or InvoiceSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[requires("billing:read")])
    async def invoice(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID, strawberry.argument(description="The invoice.")],
    ) -> InvoiceType | None:
        """One invoice; null when it does not exist or is not the caller's."""
        invoice_id = filter_id(id, "Invoice")
        row = await by_id(info.context, Invoice).load(invoice_id)
        return InvoiceType.from_row(row) if row is not None else None
