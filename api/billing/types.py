"""GraphQL types of billing: rate cards, charges, invoices, their lines and exports."""

from __future__ import annotations

import base64
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.context import Context
from api.descriptions import described_enum
from api.money import CurrencyCodeEnum, Money
from api.relay import RowNode, by_id
from api.tenants.types import ClientType
from domain.billing import queries
from domain.billing.export import invoice_csv, invoice_pdf, load_document
from domain.billing.invoice_models import Invoice, InvoiceStatus
from domain.billing.models import Charge, ChargeType, RateCard, SourceType, WarehouseStorageRate
from domain.billing.money import from_minor
from tenants.models import Client
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork

ChargeTypeEnum = described_enum(
    ChargeType,
    name="ChargeType",
    description="What a charge is for.",
    values={
        ChargeType.RECEIVING_UNIT: "Each unit received.",
        ChargeType.RECEIVING_RECEIPT: "Each receipt booked, whatever its size.",
        ChargeType.RECEIVING_ASN: "Each inbound shipment (ASN) handled.",
        ChargeType.STORAGE_UNIT_DAY: "Each unit stored for a day.",
        ChargeType.STORAGE_VOLUME_DAY: "Each cubic metre stored for a day.",
        ChargeType.PICK_ORDER: "Picking and packing an order.",
        ChargeType.PICK_ADDITIONAL_UNIT: "Each unit of an order after its first.",
        ChargeType.PACKAGING: "Packaging materials of an order.",
        ChargeType.SHIPPING: "A label, with the rate card's markup or flat fee.",
        ChargeType.SPECIAL_HANDLING: "Extra work billed by hand.",
        ChargeType.DROP_SHIP_ORDER: "Handling a fulfillment order a drop-ship supplier shipped.",
        ChargeType.DROP_SHIP_UNIT: "Each unit a drop-ship supplier shipped.",
        ChargeType.MANUAL: "Anything else billed by hand.",
        ChargeType.CREDIT: "Money given back (a negative amount).",
        ChargeType.MINIMUM_TOP_UP: "Only an invoice line: what the monthly minimum adds.",
    },
)
SourceTypeEnum = described_enum(
    SourceType,
    name="ChargeSource",
    description="What it came from.",
    values={
        SourceType.RECEIPT: "Goods received.",
        SourceType.INBOUND_SHIPMENT: "An inbound shipment.",
        SourceType.ORDER: "A shipped order.",
        SourceType.SHIPMENT: "A bought label.",
        SourceType.FULFILLMENT_ORDER: "A fulfillment order a drop-ship supplier shipped.",
        SourceType.STORAGE_SNAPSHOT: "A day's stock in a warehouse.",
        SourceType.MANUAL: "A person, by hand.",
    },
)
InvoiceStatusEnum = described_enum(
    InvoiceStatus,
    name="InvoiceStatus",
    description="draft -> issued -> paid, or void.",
    values={
        InvoiceStatus.DRAFT: "Still changing: a billing run refreshes it.",
        InvoiceStatus.ISSUED: "Sent and frozen; late charges go to the next period.",
        InvoiceStatus.PAID: "Payment recorded.",
        InvoiceStatus.VOID: "Cancelled; its charges go to the next invoice.",
    },
)
CREATED_AT = "When it was created."


async def _client(info: Info[Context, None], client_id: uuid.UUID | None) -> ClientType | None:
    if client_id is None:
        return None
    row = await by_id(info.context, Client).load(client_id)
    return ClientType.from_row(row) if row is not None else None


@strawberry.type
class StorageRate:
    """A rate card's storage prices in one warehouse."""

    warehouse_id: relay.GlobalID = strawberry.field(description="The warehouse they apply in.")
    per_unit_day: Decimal | None = strawberry.field(
        description="Price of one unit stored for a day; null: not billed this way."
    )
    per_cubic_metre_day: Decimal | None = strawberry.field(
        description="Price of one cubic metre stored for a day; null: not billed this way."
    )


@strawberry.type(name="RateCard")
class RateCardType(RowNode):
    """One version of a client's prices, or of the provider default (no client)."""

    __model__ = RateCard
    id: relay.NodeID[str]
    version: int = strawberry.field(description="1, 2, ... per client (or for the default).")
    effective_from: datetime = strawberry.field(
        description="Acts from this time on are priced by this version, until the next one."
    )
    currency: CurrencyCodeEnum = strawberry.field(  # type: ignore[valid-type]
        description="ISO 4217 code of every price on it."
    )
    receiving_per_unit: Decimal | None = strawberry.field(
        description="Per unit received. A null price on the card means: not billed."
    )
    receiving_per_receipt: Decimal | None = strawberry.field(description="Per receipt booked.")
    receiving_per_asn: Decimal | None = strawberry.field(
        description="Per inbound shipment (ASN) handled."
    )
    storage_per_unit_day: Decimal | None = strawberry.field(
        description="Per unit stored a day, unless a warehouse's storage rate overrides it."
    )
    storage_per_cubic_metre_day: Decimal | None = strawberry.field(
        description="Per cubic metre stored a day, unless a warehouse's storage rate overrides it."
    )
    pick_per_order: Decimal | None = strawberry.field(description="Per order picked and packed.")
    pick_per_additional_unit: Decimal | None = strawberry.field(
        description="Per unit of an order after its first."
    )
    packaging_per_order: Decimal | None = strawberry.field(
        description="Packaging materials, per order."
    )
    shipping_markup_percent: Decimal | None = strawberry.field(
        description="Added to a label's cost, in percent."
    )
    shipping_flat_fee: Decimal | None = strawberry.field(description="Added to each label.")
    drop_ship_per_order: Decimal | None = strawberry.field(
        description="Handling per fulfillment order a drop-ship supplier ships."
    )
    drop_ship_per_unit: Decimal | None = strawberry.field(
        description="Handling per unit a drop-ship supplier ships."
    )
    monthly_minimum: Decimal | None = strawberry.field(
        description="An invoice below this is topped up to it."
    )
    tax_rate_percent: Decimal | None = strawberry.field(
        description="Tax on the invoice's subtotal and minimum top-up, in percent."
    )
    note: str | None = strawberry.field(description="What the person who made it wrote.")
    created_at: datetime = strawberry.field(description=CREATED_AT)
    client_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType | None:
        """The client it prices; null for the provider default."""
        return await _client(info, self.client_id)

    @strawberry.field
    async def storage_rates(self, info: Info[Context, None]) -> list[StorageRate]:
        """Per-warehouse storage prices overriding the card's own."""
        rows = await _storage_rates(info.context).load(uuid.UUID(str(self.id)))
        return [
            StorageRate(
                warehouse_id=relay.GlobalID("Warehouse", str(row.warehouse_id)),
                per_unit_day=row.per_unit_day,
                per_cubic_metre_day=row.per_cubic_metre_day,
            )
            for row in rows
        ]


@strawberry.type(name="Charge")
class ChargeType_(RowNode):
    """One billed act, priced by a rate card version, unique on its source."""

    __model__ = Charge
    id: relay.NodeID[str]
    charge_type: ChargeTypeEnum = strawberry.field(  # type: ignore[valid-type]
        description="What it is for."
    )
    source_type: SourceTypeEnum = strawberry.field(  # type: ignore[valid-type]
        description="What it came from."
    )
    source_id: str = strawberry.field(
        description="The source's id; with the type and source, unique: never billed twice."
    )
    rate_card_version: int | None = strawberry.field(
        description="The rate card version that priced it; null for one made by hand."
    )
    occurred_at: datetime = strawberry.field(description="When the billed act happened.")
    service_date: date = strawberry.field(
        description="The day it counts for, in the warehouse's time zone; picks the period."
    )
    quantity: Decimal = strawberry.field(description="How many units of the price.")
    unit_price: Money = strawberry.field(description="The price of one.")
    amount: Money = strawberry.field(
        description="quantity times unitPrice, rounded once to the currency's minor unit."
    )
    currency: CurrencyCodeEnum = strawberry.field(  # type: ignore[valid-type]
        description="ISO 4217 code."
    )
    description: str = strawberry.field(description="What an invoice says about it.")
    reason: str | None = strawberry.field(description="Why, for one made by hand.")
    actor: str = strawberry.field(
        description="Who made it: `key:<prefix>`, `operator`, or `billing` for the workers."
    )
    client_id: strawberry.Private[uuid.UUID]
    billing_period: strawberry.Private[date]

    @classmethod
    def from_row(cls, row: Any) -> Self:
        """The charge with its amount in currency units."""
        fields = {name: getattr(row, name) for name in _CHARGE_FIELDS}
        amount = Money(amount=from_minor(row.amount_minor, row.currency), currency=row.currency)
        unit_price = Money(amount=row.unit_price, currency=row.currency)
        return cls(
            amount=amount, unit_price=unit_price, billing_period=row.billing_period, **fields
        )

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType | None:
        """Who is billed."""
        return await _client(info, self.client_id)

    @strawberry.field
    async def invoice_id(self, info: Info[Context, None]) -> relay.GlobalID | None:
        """The invoice it is on; null while not yet invoiced."""
        # Its client's invoice of the month it is billed in (stamped on the charge).
        found = await _invoice_of_month(info.context).load((self.client_id, self.billing_period))
        return relay.GlobalID("Invoice", str(found)) if found else None


_CHARGE_FIELDS = [
    "id",
    "charge_type",
    "source_type",
    "source_id",
    "rate_card_version",
    "occurred_at",
    "service_date",
    "quantity",
    "currency",
    "description",
    "reason",
    "actor",
    "client_id",
]


@strawberry.type(description="A billing month.")
class BillingPeriod:
    year: int = strawberry.field(description="The calendar year.")
    month: int = strawberry.field(description="The month, 1 (January) to 12.")
    start: date = strawberry.field(description="The first day of the month.")
    end: date = strawberry.field(description="The first day after the month.")


@strawberry.type(name="InvoiceLine")
class InvoiceLineType:
    """The charges of one type on an invoice."""

    charge_type: ChargeTypeEnum = strawberry.field(  # type: ignore[valid-type]
        description="What its charges are for."
    )
    quantity: Decimal = strawberry.field(description="Their quantities, summed.")
    charges: int = strawberry.field(description="How many charges it sums.")
    amount: Money = strawberry.field(description="Their amounts, summed.")


@strawberry.type(name="Invoice")
class InvoiceType(RowNode):
    """What one client owes for one month."""

    __model__ = Invoice
    id: relay.NodeID[str]
    number: str = strawberry.field(description="`<client code>-<period>`, e.g. `ACME-2026-11`.")
    period: BillingPeriod = strawberry.field(description="The month billed.")
    currency: CurrencyCodeEnum = strawberry.field(  # type: ignore[valid-type]
        description="ISO 4217 code of every amount on it."
    )
    status: InvoiceStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Where it stands."
    )
    subtotal: Money = strawberry.field(description="The charges, summed (credits subtract).")
    minimum_top_up: Money = strawberry.field(
        description="What the monthly minimum adds; 0 when the charges (credits aside) reach it."
    )
    tax_rate_percent: Decimal | None = strawberry.field(
        description="The rate card's tax rate; null: no tax."
    )
    tax: Money = strawberry.field(description="Tax on subtotal plus minimum top-up.")
    total: Money = strawberry.field(
        description="Subtotal, minimum top-up and tax: what the client owes."
    )
    issued_at: datetime | None = strawberry.field(description="When it was issued, if it was.")
    paid_at: datetime | None = strawberry.field(description="When payment was recorded, if it was.")
    voided_at: datetime | None = strawberry.field(description="When it was voided, if it was.")
    void_reason: str | None = strawberry.field(description="Why it was voided.")
    client_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: Any) -> Self:
        """The invoice with its sums in currency units."""
        cur = row.currency
        return cls(
            id=str(row.id),
            number=row.number,
            period=BillingPeriod(
                year=row.period_start.year,
                month=row.period_start.month,
                start=row.period_start,
                end=row.period_end,
            ),
            currency=cur,
            status=row.status,
            subtotal=_money(row.subtotal_minor, cur),
            minimum_top_up=_money(row.minimum_top_up_minor, cur),
            tax_rate_percent=row.tax_rate_percent,
            tax=_money(row.tax_minor, cur),
            total=_money(row.total_minor, cur),
            issued_at=row.issued_at,
            paid_at=row.paid_at,
            voided_at=row.voided_at,
            void_reason=row.void_reason,
            client_id=row.client_id,
        )

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType | None:
        """Who is billed."""
        return await _client(info, self.client_id)

    @strawberry.field
    async def lines(self, info: Info[Context, None]) -> list[InvoiceLineType]:
        """One line per charge type, and the minimum top-up when there is one."""
        rows = await _lines(info.context).load(uuid.UUID(str(self.id)))
        return [
            InvoiceLineType(
                charge_type=row.charge_type,
                quantity=row.quantity,
                charges=row.charges,
                amount=_money(row.amount_minor, self.currency),
            )
            for row in rows
        ]

    @strawberry.field(description="The invoice as CSV.")
    async def csv(self, info: Info[Context, None]) -> str:
        return invoice_csv(await info.context.read(load_document, uuid.UUID(str(self.id))))

    @strawberry.field(description="The invoice as a PDF file, base64-encoded.")
    async def pdf_base64(self, info: Info[Context, None]) -> str:
        document = await info.context.read(load_document, uuid.UUID(str(self.id)))
        return base64.b64encode(invoice_pdf(document)).decode()


def _money(minor: int, currency: str) -> Money:
    return Money(amount=from_minor(minor, currency), currency=currency)


def _grouped(key: str, build: Any) -> Any:
    def load(uow: TenantUnitOfWork, ids: list[uuid.UUID]) -> dict:
        found: dict[uuid.UUID, list[Any]] = {}
        for row in uow.scalars(build(uow.scope, ids)):
            found.setdefault(getattr(row, key), []).append(row)
        return found

    return load


def _lines(context: Context) -> DataLoader[uuid.UUID, list[Any]]:
    fetch = _grouped("invoice_id", queries.invoice_lines)
    return _loader(context, "invoice_lines", fetch)


def _storage_rates(context: Context) -> DataLoader[uuid.UUID, list[Any]]:
    def build(scope: TenantScope, ids: list[uuid.UUID]) -> Any:
        model = WarehouseStorageRate
        return scope.select(model).where(model.rate_card_id.in_(ids)).order_by(model.id)

    return _loader(context, "storage_rates", _grouped("rate_card_id", build))


def _invoice_of_month(context: Context) -> DataLoader[tuple[uuid.UUID, date], uuid.UUID | None]:
    def fetch(uow: TenantUnitOfWork, keys: list[tuple[uuid.UUID, date]]) -> dict:
        rows = uow.execute(
            uow.select(Invoice, Invoice.client_id, Invoice.period_start, Invoice.id).where(
                Invoice.client_id.in_(sorted({client for client, _ in keys})),
                Invoice.period_start.in_(sorted({month for _, month in keys})),
                Invoice.status != InvoiceStatus.VOID,
            )
        )
        return {(client, month): invoice for client, month, invoice in rows}

    async def load(keys: list[tuple[uuid.UUID, date]]) -> list[uuid.UUID | None]:
        found = await context.read(fetch, list(keys))
        return [found.get(key) for key in keys]

    return context.loader("invoice_of_month", lambda: DataLoader(load_fn=load))


def _loader(context: Context, name: str, fetch: Any) -> DataLoader[uuid.UUID, list[Any]]:
    async def load(ids: list[uuid.UUID]) -> list[list[Any]]:
        found = await context.read(fetch, list(ids))
        return [found.get(i, []) for i in ids]

    return context.loader(name, lambda: DataLoader(load_fn=load))
