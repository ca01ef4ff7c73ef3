"""Inputs of billing: periods, rate cards, manual charges, runs and invoice changes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import strawberry
from strawberry import relay

from api.money import CurrencyCodeEnum, MoneyInput
from domain.billing.models import ChargeType
from domain.billing.periods import Period


@strawberry.input(description="A billing month, e.g. {year: 2026, month: 3} for March 2026.")
class BillingPeriodInput:
    year: int = strawberry.field(description="The calendar year, 2000-9999.")
    month: int = strawberry.field(description="The month, 1 (January) to 12.")

    def period(self, field: str = "period") -> Period:
        """The domain's period; refused when there is no such month."""
        return Period.of(self.year, self.month, field)


class ManualChargeKind(StrEnum):
    """What a charge entered by hand is for."""

    MANUAL = ChargeType.MANUAL.value
    SPECIAL_HANDLING = ChargeType.SPECIAL_HANDLING.value


ManualChargeKindEnum = strawberry.enum(
    ManualChargeKind, name="ManualChargeKind", description="What a charge entered by hand is for."
)
for _kind in ManualChargeKindEnum.__strawberry_definition__.values:  # type: ignore[attr-defined]
    _kind.description = {
        "manual": "Anything else, said in the reason.",
        "special_handling": "Work beyond the rate card, e.g. relabelling.",
    }[_kind.value]


@strawberry.input(description="A rate card's storage prices in one warehouse.")
class StorageRateInput:
    warehouse_id: relay.GlobalID = strawberry.field(description="The warehouse.")
    per_unit_day: Decimal | None = strawberry.field(
        default=None, description="Per unit stored per day."
    )
    per_cubic_metre_day: Decimal | None = strawberry.field(
        default=None, description="Per cubic metre stored per day."
    )


@strawberry.input(description="A new version; leave clientId out for the provider default.")
class CreateRateCardInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The client it prices; the provider default when left out."
    )
    effective_from: datetime = strawberry.field(description="When the version takes effect.")
    currency: CurrencyCodeEnum = strawberry.field(  # type: ignore[valid-type]
        description="The currency of every price on the card."
    )
    receiving_per_unit: Decimal | None = strawberry.field(
        default=None, description="Per unit received."
    )
    receiving_per_receipt: Decimal | None = strawberry.field(
        default=None, description="Per receipt booked."
    )
    receiving_per_asn: Decimal | None = strawberry.field(
        default=None, description="Per inbound shipment announced."
    )
    storage_per_unit_day: Decimal | None = strawberry.field(
        default=None, description="Per unit stored per day."
    )
    storage_per_cubic_metre_day: Decimal | None = strawberry.field(
        default=None, description="Per cubic metre stored per day."
    )
    pick_per_order: Decimal | None = strawberry.field(default=None, description="Per order picked.")
    pick_per_additional_unit: Decimal | None = strawberry.field(
        default=None, description="Per unit picked beyond the first of an order."
    )
    packaging_per_order: Decimal | None = strawberry.field(
        default=None, description="Per order packed."
    )
    shipping_markup_percent: Decimal | None = strawberry.field(
        default=None, description="Added to the carrier cost, in percent."
    )
    shipping_flat_fee: Decimal | None = strawberry.field(
        default=None, description="Added to every label."
    )
    drop_ship_per_order: Decimal | None = strawberry.field(
        default=None, description="Per fulfillment order a drop-ship supplier ships."
    )
    drop_ship_per_unit: Decimal | None = strawberry.field(
        default=None, description="Per unit a drop-ship supplier ships."
    )
    monthly_minimum: Decimal | None = strawberry.field(
        default=None, description="The least a month is billed."
    )
    tax_rate_percent: Decimal | None = strawberry.field(
        default=None, description="Tax on the invoice, in percent."
    )
    storage_rates: list[StorageRateInput] = strawberry.field(
        default_factory=list, description="Storage prices of particular warehouses."
    )
    note: str | None = strawberry.field(default=None, description="Why this version.")


@strawberry.input(description="Bill a client by hand.")
class AddManualChargeInput:
    client_id: relay.GlobalID = strawberry.field(description="The client billed.")
    amount: MoneyInput = strawberry.field(
        description="Positive, in the currency of the client's rate card."
    )
    reason: str = strawberry.field(description="Why; kept with the charge.")
    description: str | None = strawberry.field(
        default=None, description="The invoice line's text; the reason when left out."
    )
    type: ManualChargeKindEnum = strawberry.field(  # type: ignore[valid-type]
        default=ManualChargeKind.MANUAL, description="What it is for."
    )
    reference: str | None = strawberry.field(
        default=None, description="Idempotency key: the same reference never bills twice."
    )
    occurred_at: datetime | None = strawberry.field(
        default=None, description="When the billed work was done; now when left out."
    )


@strawberry.input(description="Credit a client.")
class AddCreditInput:
    client_id: relay.GlobalID = strawberry.field(description="The client credited.")
    amount: MoneyInput = strawberry.field(
        description="Positive, in the currency of the client's rate card; it is credited."
    )
    reason: str = strawberry.field(description="Why; kept with the credit.")
    reference: str | None = strawberry.field(
        default=None, description="Idempotency key: the same reference never credits twice."
    )
    occurred_at: datetime | None = strawberry.field(
        default=None, description="When it applies; now when left out."
    )


@strawberry.input(description="Draft or refresh a month's invoices.")
class RunBillingPeriodInput:
    period: BillingPeriodInput = strawberry.field(description="The month to bill.")
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Only this client's invoice; all clients' when left out."
    )


@strawberry.input(description="Freeze a draft invoice.")
class IssueInvoiceInput:
    id: relay.GlobalID = strawberry.field(description="The invoice.")


@strawberry.input(description="Record payment of an issued invoice.")
class MarkInvoicePaidInput:
    id: relay.GlobalID = strawberry.field(description="The invoice.")
    paid_at: datetime | None = strawberry.field(default=None, description="Now when left out.")


@strawberry.input(description="Cancel a draft or issued invoice.")
class VoidInvoiceInput:
    id: relay.GlobalID = strawberry.field(description="The invoice.")
    reason: str = strawberry.field(description="Why; kept on the invoice.")
