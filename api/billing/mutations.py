"""Billing mutations: rate card versions, manual charges and credits, period runs, invoice states.

Only provider keys holding billing:write change anything.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.billing.types import ChargeType_, InvoiceType, RateCardType
from api.context import Context
from api.mutations import Payload, decode_id, mutate, optional_id
from api.permissions import requires
from domain.billing import invoicing
from domain.billing.charges import ManualCharge, add_manual_charge
from domain.billing.models import ChargeType
from domain.billing.money import exact
from domain.billing.periods import Period
from domain.billing.rate_cards import (
    RATE_FIELDS,
    NewRateCard,
    StorageRateOverride,
    create_rate_card,
)
from domain.billing.storage import pending_storage_days, take_storage_day
from domain.errors import DomainError, DomainErrorCode
from persistence.base import utcnow
from tenants.models import Client
from tenants.unit_of_work import TenantUnitOfWork

WRITE = [requires("billing:write", provider_only=True)]
DecimalText = str
"""Decimals come in as strings ("12.50"): a JSON number would pass through float on the way."""
_DAY = timedelta(days=1)


class ManualChargeKind(StrEnum):
    """What a charge entered by hand is for."""

    MANUAL = ChargeType.MANUAL.value
    SPECIAL_HANDLING = ChargeType.SPECIAL_HANDLING.value


ManualChargeKindEnum = strawberry.enum(ManualChargeKind, name="ManualChargeKind")


@strawberry.input
class StorageRateInput:
    warehouse_id: relay.GlobalID
    per_unit_day: DecimalText | None = None
    per_cubic_metre_day: DecimalText | None = None


@strawberry.input(description="A new version; leave clientId out for the provider default.")
class CreateRateCardInput:
    client_id: relay.GlobalID | None = None
    effective_from: datetime
    currency: str
    receiving_per_unit: DecimalText | None = None
    receiving_per_receipt: DecimalText | None = None
    receiving_per_asn: DecimalText | None = None
    storage_per_unit_day: DecimalText | None = None
    storage_per_cubic_metre_day: DecimalText | None = None
    pick_per_order: DecimalText | None = None
    pick_per_additional_unit: DecimalText | None = None
    packaging_per_order: DecimalText | None = None
    shipping_markup_percent: DecimalText | None = None
    shipping_flat_fee: DecimalText | None = None
    monthly_minimum: DecimalText | None = None
    tax_rate_percent: DecimalText | None = None
    storage_rates: list[StorageRateInput] = strawberry.field(default_factory=list)
    note: str | None = None


@strawberry.input
class AddManualChargeInput:
    client_id: relay.GlobalID
    amount: DecimalText
    reason: str
    description: str | None = None
    type: ManualChargeKindEnum = ManualChargeKind.MANUAL  # type: ignore[valid-type]
    reference: str | None = strawberry.field(default=None, description="Idempotency key.")
    occurred_at: datetime | None = None


@strawberry.input
class AddCreditInput:
    client_id: relay.GlobalID
    amount: DecimalText = strawberry.field(description="Positive; it is credited.")
    reason: str
    reference: str | None = strawberry.field(default=None, description="Idempotency key.")
    occurred_at: datetime | None = None


@strawberry.input
class RunBillingPeriodInput:
    period: str = strawberry.field(description='"2026-03"')
    client_id: relay.GlobalID | None = None


@strawberry.type
class RateCardPayload(Payload):
    rate_card: RateCardType | None = None


@strawberry.type
class ChargePayload(Payload):
    charge: ChargeType_ | None = None


@strawberry.type
class InvoicePayload(Payload):
    invoice: InvoiceType | None = None


@strawberry.type
class RunBillingPeriodPayload(Payload):
    invoices: list[InvoiceType] = strawberry.field(default_factory=list)


def _invoice_payload(row: object) -> InvoicePayload:
    return InvoicePayload(invoice=InvoiceType.from_row(row))


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=WRITE)
    async def create_rate_card(
        self, info: Info[Context, None], input: CreateRateCardInput
    ) -> RateCardPayload:
        """Add the next version of a client's rate card (or of the provider default)."""

        def work(uow: TenantUnitOfWork) -> object:
            new = NewRateCard(
                client_id=optional_id(input.client_id, "Client", "clientId"),
                effective_from=input.effective_from,
                currency=input.currency,
                rates={name: _decimal(getattr(input, name), name) for name in RATE_FIELDS},
                storage_overrides=tuple(
                    StorageRateOverride(
                        decode_id(rate.warehouse_id, "Warehouse", "storageRates"),
                        _decimal(rate.per_unit_day, "perUnitDay"),
                        _decimal(rate.per_cubic_metre_day, "perCubicMetreDay"),
                    )
                    for rate in input.storage_rates
                ),
                note=input.note,
            )
            return create_rate_card(uow, new)

        return await mutate(
            info,
            RateCardPayload,
            work,
            lambda row: RateCardPayload(rate_card=RateCardType.from_row(row)),
        )

    @strawberry.mutation(permission_classes=WRITE)
    async def add_manual_charge(
        self, info: Info[Context, None], input: AddManualChargeInput
    ) -> ChargePayload:
        """Bill a client by hand, with a reason."""
        return await _manual(info, input, credit=False)

    @strawberry.mutation(permission_classes=WRITE)
    async def add_credit(self, info: Info[Context, None], input: AddCreditInput) -> ChargePayload:
        """Credit a client, with a reason."""
        return await _manual(info, input, credit=True)

    @strawberry.mutation(permission_classes=WRITE)
    async def run_billing_period(
        self, info: Info[Context, None], input: RunBillingPeriodInput
    ) -> RunBillingPeriodPayload:
        """Draft or refresh the period's invoices now (all clients, or one)."""

        def work(uow: TenantUnitOfWork) -> list[object]:
            period = Period.parse(input.period)
            client = optional_id(input.client_id, "Client", "clientId")
            for key in pending_storage_days(uow, utcnow(), period.end - _DAY):
                take_storage_day(uow, key)
            ids = [client] if client else list(uow.scalars(uow.select(Client, Client.id)))
            found = (invoicing.invoice_client(uow, i, period) for i in ids)
            return [invoice for invoice in found if invoice is not None]

        return await mutate(
            info,
            RunBillingPeriodPayload,
            work,
            lambda rows: RunBillingPeriodPayload(invoices=[InvoiceType.from_row(r) for r in rows]),
        )

    @strawberry.mutation(permission_classes=WRITE)
    async def issue_invoice(self, info: Info[Context, None], id: relay.GlobalID) -> InvoicePayload:
        """Freeze a draft invoice; issuing again changes nothing."""
        return await _transition(info, id, invoicing.issue_invoice)

    @strawberry.mutation(permission_classes=WRITE)
    async def mark_invoice_paid(
        self, info: Info[Context, None], id: relay.GlobalID, paid_at: datetime | None = None
    ) -> InvoicePayload:
        """Record payment of an issued invoice."""
        return await _transition(info, id, invoicing.mark_invoice_paid, paid_at)

    @strawberry.mutation(permission_classes=WRITE)
    async def void_invoice(
        self, info: Info[Context, None], id: relay.GlobalID, reason: str
    ) -> InvoicePayload:
        """Cancel a draft or issued invoice; its charges go to the next invoice."""
        return await _transition(info, id, invoicing.void_invoice, reason)


async def _transition(
    info: Info[Context, None], id: relay.GlobalID, step: Callable[..., object], *args: Any
) -> InvoicePayload:
    def work(uow: TenantUnitOfWork) -> object:
        return step(uow, decode_id(id, "Invoice", "id"), *args)

    return await mutate(info, InvoicePayload, work, _invoice_payload)


async def _manual(
    info: Info[Context, None], input: AddManualChargeInput | AddCreditInput, *, credit: bool
) -> ChargePayload:
    def work(uow: TenantUnitOfWork) -> object:
        entry = ManualCharge(
            client_id=decode_id(input.client_id, "Client", "clientId"),
            amount=_decimal(input.amount, "amount"),
            reason=input.reason,
            description=getattr(input, "description", None) or input.reason,
            credit=credit,
            charge_type=ChargeType(getattr(input, "type", ChargeType.CREDIT).value),
            reference=input.reference,
            occurred_at=input.occurred_at,
        )
        return add_manual_charge(uow, entry)

    return await mutate(
        info, ChargePayload, work, lambda row: ChargePayload(charge=ChargeType_.from_row(row))
    )


def _decimal(text: str | None, field: str) -> Decimal | None:
    if text is None:
        return None
    try:
        return exact(text.strip(), field)
    except DomainError:
        raise
    except ArithmeticError as error:
        raise DomainError(DomainErrorCode.INVALID, f"{text!r} is not a decimal.", field) from error
