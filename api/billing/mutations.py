"""Billing mutations: rate card versions, manual charges and credits, period runs, invoice states.

Only provider keys holding billing:write change anything.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import strawberry
from strawberry import relay
from strawberry.types import Info
from strawberry.utils.str_converters import to_camel_case

from api.billing.inputs import (
    AddCreditInput,
    AddManualChargeInput,
    CreateRateCardInput,
    IssueInvoiceInput,
    MarkInvoicePaidInput,
    RunBillingPeriodInput,
    VoidInvoiceInput,
)
from api.billing.types import ChargeType_, InvoiceType, RateCardType
from api.context import Context
from api.mutations import Payload, decode_id, mutate, mutate_by_service, optional_id
from api.permissions import requires
from domain.billing import invoicing
from domain.billing.charges import ManualCharge, add_manual_charge
from domain.billing.invoice_models import Invoice
from domain.billing.models import ChargeType
from domain.billing.money import exact
from domain.billing.rate_cards import (
    RATE_FIELDS,
    NewRateCard,
    StorageRateOverride,
    create_rate_card,
)
from services import billing as billing_runs
from tenants.unit_of_work import TenantUnitOfWork

WRITE = [requires("billing:write", provider_only=True)]


@strawberry.type
class CreateRateCardPayload(Payload):
    rate_card: RateCardType | None = strawberry.field(
        default=None, description="The rate card after the change; null when refused."
    )


@strawberry.type
class ManualChargePayload(Payload):
    """What entering a charge or credit by hand answers: the charge."""

    charge: ChargeType_ | None = strawberry.field(
        default=None, description="The charge after the change; null when refused."
    )


@strawberry.type
class AddManualChargePayload(ManualChargePayload):
    pass


@strawberry.type
class AddCreditPayload(ManualChargePayload):
    pass


@strawberry.type
class InvoiceChangePayload(Payload):
    """What every change of an invoice's state answers: the invoice as it is now."""

    invoice: InvoiceType | None = strawberry.field(
        default=None, description="The invoice after the change; null when refused."
    )


@strawberry.type
class IssueInvoicePayload(InvoiceChangePayload):
    pass


@strawberry.type
class MarkInvoicePaidPayload(InvoiceChangePayload):
    pass


@strawberry.type
class VoidInvoicePayload(InvoiceChangePayload):
    pass


@strawberry.type
class RunBillingPeriodPayload(Payload):
    invoices: list[InvoiceType] = strawberry.field(
        default_factory=list, description="The period's invoices, drafted or refreshed."
    )


def invoices_by_id(uow: TenantUnitOfWork, ids: list[uuid.UUID]) -> list[Invoice]:
    """The caller's invoices with these ids, in the order given."""
    found = {row.id: row for row in uow.scalars(uow.select(Invoice).where(Invoice.id.in_(ids)))}
    return [found[invoice_id] for invoice_id in ids]


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=WRITE)
    async def create_rate_card(
        self, info: Info[Context, None], input: CreateRateCardInput
    ) -> CreateRateCardPayload:
        """Add the next version of a client's rate card (or of the provider default)."""

        def work(uow: TenantUnitOfWork) -> object:
            new = NewRateCard(
                client_id=optional_id(input.client_id, "Client", "clientId"),
                effective_from=input.effective_from,
                currency=input.currency,
                rates={
                    name: _decimal(getattr(input, name), to_camel_case(name))
                    for name in RATE_FIELDS
                },
                storage_overrides=tuple(
                    StorageRateOverride(
                        decode_id(rate.warehouse_id, "Warehouse", f"storageRates.{i}.warehouseId"),
                        _decimal(rate.per_unit_day, f"storageRates.{i}.perUnitDay"),
                        _decimal(rate.per_cubic_metre_day, f"storageRates.{i}.perCubicMetreDay"),
                    )
                    for i, rate in enumerate(input.storage_rates)
                ),
                note=input.note,
            )
            return create_rate_card(uow, new)

        return await mutate(
            info,
            CreateRateCardPayload,
            work,
            lambda row: CreateRateCardPayload(rate_card=RateCardType.from_row(row)),
        )

    @strawberry.mutation(permission_classes=WRITE)
    async def add_manual_charge(
        self, info: Info[Context, None], input: AddManualChargeInput
    ) -> AddManualChargePayload:
        """Bill a client by hand, with a reason."""
        return await _manual(info, input, AddManualChargePayload, credit=False)

    @strawberry.mutation(permission_classes=WRITE)
    async def add_credit(
        self, info: Info[Context, None], input: AddCreditInput
    ) -> AddCreditPayload:
        """Credit a client, with a reason."""
        return await _manual(info, input, AddCreditPayload, credit=True)

    @strawberry.mutation(permission_classes=WRITE)
    async def run_billing_period(
        self, info: Info[Context, None], input: RunBillingPeriodInput
    ) -> RunBillingPeriodPayload:
        """Draft or refresh the period's invoices now (all clients, or one)."""

        async def run() -> list[uuid.UUID]:
            period = input.period.period()
            client = optional_id(input.client_id, "Client", "clientId")
            return await info.context.service(
                billing_runs.bill_period, period, client_ids=[client] if client else None
            )

        async def done(ids: list[uuid.UUID]) -> RunBillingPeriodPayload:
            rows = await info.context.read(invoices_by_id, ids)
            return RunBillingPeriodPayload(invoices=[InvoiceType.from_row(row) for row in rows])

        return await mutate_by_service(info, RunBillingPeriodPayload, run, done)

    @strawberry.mutation(permission_classes=WRITE)
    async def issue_invoice(
        self, info: Info[Context, None], input: IssueInvoiceInput
    ) -> IssueInvoicePayload:
        """Freeze a draft invoice; issuing again changes nothing."""
        return await _transition(info, IssueInvoicePayload, input.id, invoicing.issue_invoice)

    @strawberry.mutation(permission_classes=WRITE)
    async def mark_invoice_paid(
        self, info: Info[Context, None], input: MarkInvoicePaidInput
    ) -> MarkInvoicePaidPayload:
        """Record payment of an issued invoice."""
        return await _transition(
            info, MarkInvoicePaidPayload, input.id, invoicing.mark_invoice_paid, input.paid_at
        )

    @strawberry.mutation(permission_classes=WRITE)
    async def void_invoice(
        self, info: Info[Context, None], input: VoidInvoiceInput
    ) -> VoidInvoicePayload:
        """Cancel a draft or issued invoice; its charges go to the next invoice."""
        return await _transition(
            info, VoidInvoicePayload, input.id, invoicing.void_invoice, input.reason
        )


V = TypeVar("V", bound=InvoiceChangePayload)
C = TypeVar("C", bound=ManualChargePayload)


async def _transition(
    info: Info[Context, None],
    kind: type[V],
    id: relay.GlobalID,
    step: Callable[..., object],
    *args: Any,
) -> V:
    def work(uow: TenantUnitOfWork) -> object:
        return step(uow, decode_id(id, "Invoice", "id"), *args)

    return await mutate(info, kind, work, lambda row: kind(invoice=InvoiceType.from_row(row)))


async def _manual(
    info: Info[Context, None],
    input: AddManualChargeInput | AddCreditInput,
    kind: type[C],
    *,
    credit: bool,
) -> C:
    def work(uow: TenantUnitOfWork) -> object:
        entry = ManualCharge(
            client_id=decode_id(input.client_id, "Client", "clientId"),
            amount=input.amount.amount,
            currency=input.amount.currency,
            reason=input.reason,
            description=getattr(input, "description", None) or input.reason,
            credit=credit,
            charge_type=ChargeType(getattr(input, "type", ChargeType.CREDIT).value),
            reference=input.reference,
            occurred_at=input.occurred_at,
        )
        return add_manual_charge(uow, entry)

    return await mutate(info, kind, work, lambda row: kind(charge=ChargeType_.from_row(row)))


def _decimal(value: Decimal | None, field: str) -> Decimal | None:
    return None if value is None else exact(value, field)
