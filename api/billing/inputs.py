"""Inputs of billing: periods, rate cards, manual charges, runs and invoice changes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import strawberry
from strawberry import relay

from api.money import CurrencyCodeEnum, MoneyInput
from domain.billing.models import ChargeType
from domain.billing.periods import Period

DecimalText = str
"""Decimals come in as strings ("12.50"): a JSON number would pass through float on the way."""


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
    currency: CurrencyCodeEnum  # type: ignore[valid-type]
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
    amount: MoneyInput = strawberry.field(
        description="Positive, in the currency of the client's rate card."
    )
    reason: str
    description: str | None = None
    type: ManualChargeKindEnum = ManualChargeKind.MANUAL  # type: ignore[valid-type]
    reference: str | None = strawberry.field(default=None, description="Idempotency key.")
    occurred_at: datetime | None = None


@strawberry.input
class AddCreditInput:
    client_id: relay.GlobalID
    amount: MoneyInput = strawberry.field(
        description="Positive, in the currency of the client's rate card; it is credited."
    )
    reason: str
    reference: str | None = strawberry.field(default=None, description="Idempotency key.")
    occurred_at: datetime | None = None


@strawberry.input(description="Draft or refresh a month's invoices.")
class RunBillingPeriodInput:
    period: BillingPeriodInput
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
