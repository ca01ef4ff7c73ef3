"""Billing queries: rate cards, charges and invoices, each within the caller's scope."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.billing.mutations import Mutation
from api.billing.types import (
    ChargeType_,
    ChargeTypeEnum,
    InvoiceStatusEnum,
    InvoiceType,
    RateCardType,
    SourceTypeEnum,
)
from api.context import Context
from api.errors import PublicError
from api.listing import filter_id, read_page
from api.permissions import requires
from api.relay import Page, by_id
from domain.billing import queries
from domain.billing.invoice_models import Invoice
from domain.billing.periods import Period
from domain.errors import DomainError

__all__ = ["Mutation", "Query"]


def _period(name: str | None) -> Period | None:
    if name is None:
        return None
    try:
        return Period.parse(name)
    except DomainError as error:
        raise PublicError("INVALID_PERIOD", error.message) from error


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[requires("billing:read")])
    async def rate_cards(
        self,
        info: Info[Context, None],
        client_id: relay.GlobalID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[RateCardType]:
        """Rate card versions, newest first; a client key sees only its own."""
        client = filter_id(client_id, "Client")
        return await read_page(
            info,
            RateCardType,
            lambda scope: queries.rate_cards(scope, client),
            ("id",),
            Page.of(first, after),
            descending=True,
        )

    @strawberry.field(permission_classes=[requires("billing:read")])
    async def charges(
        self,
        info: Info[Context, None],
        client_id: relay.GlobalID | None = None,
        period: str | None = None,
        type: ChargeTypeEnum | None = None,  # type: ignore[valid-type]
        source_type: SourceTypeEnum | None = None,  # type: ignore[valid-type]
        source_id: str | None = None,
        invoice_id: relay.GlobalID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[ChargeType_]:
        """Charges, newest first; `period` ("2026-03") filters on the service date."""
        client = filter_id(client_id, "Client")
        invoice = filter_id(invoice_id, "Invoice")
        month = _period(period)
        return await read_page(
            info,
            ChargeType_,
            lambda scope: queries.charges(
                scope,
                client_id=client,
                period=month,
                charge_type=type,
                source_type=source_type,
                source_id=source_id,
                invoice_id=invoice,
            ),
            ("id",),
            Page.of(first, after),
            descending=True,
        )

    @strawberry.field(permission_classes=[requires("billing:read")])
    async def invoices(
        self,
        info: Info[Context, None],
        client_id: relay.GlobalID | None = None,
        period: str | None = None,
        status: InvoiceStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[InvoiceType]:
        """Invoices, newest first."""
        client = filter_id(client_id, "Client")
        month = _period(period)
        return await read_page(
            info,
            InvoiceType,
            lambda scope: queries.invoices(scope, client_id=client, period=month, status=status),
            ("id",),
            Page.of(first, after),
            descending=True,
        )

    @strawberry.field(permission_classes=[requires("billing:read")])
    async def invoice(self, info: Info[Context, None], id: relay.GlobalID) -> InvoiceType | None:
        """One invoice; null when it does not exist or is not the caller's."""
        invoice_id = filter_id(id, "Invoice")
        row = await by_id(info.context, Invoice).load(invoice_id)
        return InvoiceType.from_row(row) if row is not None else None
