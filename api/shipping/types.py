"""GraphQL types of shipping: Shipment, TrackingEvent, CarrierAccount are nodes; no secrets."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Self

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.addresses import Address
from api.change_feed import change_connection
from api.context import Context
from api.descriptions import described_enum
from api.money import CurrencyCodeEnum, Money
from api.orders.dataloaders import _children
from api.orders.types import FulfillmentOrderType, OrderType
from api.relay import RowNode, by_id
from api.tenants.types import ClientType
from domain.orders.models import FulfillmentOrder, Order
from domain.shipping import queries
from domain.shipping.carriers.base import LabelFormat, TrackingStatus
from domain.shipping.models import (
    CarrierAccount,
    CarrierKind,
    DispatchAttempt,
    DispatchStatus,
    Shipment,
    ShippingSettings,
    TrackingEvent,
)
from domain.shipping.rating import RatingRule
from tenants.models import Client

TrackingStatusEnum = described_enum(
    TrackingStatus,
    name="TrackingStatus",
    description="A shipment's status, the same for all carriers.",
    values={
        TrackingStatus.UNKNOWN: "The carrier said something no other status fits.",
        TrackingStatus.PRE_TRANSIT: "Label bought; the carrier does not have the parcel yet.",
        TrackingStatus.IN_TRANSIT: "On its way.",
        TrackingStatus.OUT_FOR_DELIVERY: "On the vehicle that delivers it.",
        TrackingStatus.DELIVERED: "Delivered.",
        TrackingStatus.AVAILABLE_FOR_PICKUP: "Waiting at a pickup point.",
        TrackingStatus.RETURN_TO_SENDER: "On its way back.",
        TrackingStatus.FAILURE: "The carrier could not deliver it.",
        TrackingStatus.CANCELLED: "The label was cancelled.",
    },
)
CarrierKindEnum = described_enum(
    CarrierKind,
    name="CarrierKind",
    description="A carrier adapter.",
    values={
        CarrierKind.RATE_TABLE: (
            "Built in: prices from a table, real ZPL or PDF labels, no outside service."
        ),
        CarrierKind.AGGREGATOR: (
            "A multi-carrier API at `baseUrl` that quotes, sells labels and pushes tracking."
        ),
    },
)
LabelFormatEnum = described_enum(
    LabelFormat,
    name="LabelFormat",
    description="A label file format.",
    values={
        LabelFormat.ZPL: "ZPL II, for thermal label printers.",
        LabelFormat.PDF: "PDF, for any printer.",
    },
)
RatingRuleEnum = described_enum(
    RatingRule,
    name="RatingRule",
    description="How a rate is chosen.",
    values={
        RatingRule.CHEAPEST: "The lowest price, however slow.",
        RatingRule.FASTEST: "The fewest days in transit, whatever the price.",
        RatingRule.CHEAPEST_WITHIN_SERVICE_LEVEL: (
            "The lowest price among rates at least as fast as the order's service level."
        ),
    },
)
DispatchStatusEnum = described_enum(
    DispatchStatus,
    name="DispatchStatus",
    description="How far a dispatch got.",
    values={
        DispatchStatus.PENDING: "Not yet rated.",
        DispatchStatus.QUOTED: (
            "A rate is chosen and pinned with its key: a retry buys exactly this, never another."
        ),
        DispatchStatus.SHIPPED: "The label is bought and the parcel marked shipped.",
        DispatchStatus.FAILED: "The carrier refused for good; see the exception's reason.",
    },
)


async def _client(info: Info[Context, None], client_id: uuid.UUID) -> ClientType | None:
    row = await by_id(info.context, Client).load(client_id)
    return ClientType.from_row(row) if row else None


@strawberry.type(name="CarrierAccount")
class CarrierAccountType(RowNode):
    """A client's account with a carrier; its API key and webhook secret are never shown."""

    __model__ = CarrierAccount
    id: relay.NodeID[str]
    kind: CarrierKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="Which adapter the account uses."
    )
    name: str = strawberry.field(description="Also the carrier code on rates and shipments.")
    enabled: bool = strawberry.field(description="Whether dispatch rates with this account.")
    base_url: str | None = strawberry.field(description="The aggregator's API root, if any.")
    has_api_key: bool = strawberry.field(
        description="Whether an API key is stored (the key itself is never shown)."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    client_id: strawberry.Private[uuid.UUID]
    provider_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: Any) -> Self:
        """The account without its secrets."""
        return cls(
            id=str(row.id),
            kind=row.kind,
            name=row.name,
            enabled=row.enabled,
            base_url=(row.settings or {}).get("base_url"),
            has_api_key=bool(row.api_key),
            created_at=row.created_at,
            updated_at=row.updated_at,
            client_id=row.client_id,
            provider_id=row.provider_id,
        )

    @strawberry.field
    def webhook_path(self) -> str | None:
        """Where the carrier pushes tracking (aggregator accounts), relative to the API's root."""
        if self.kind is not CarrierKind.AGGREGATOR:
            return None
        return f"/carriers/{self.kind.value}/webhook/{self.provider_id}/{self.id}"

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType | None:
        """The client the account ships for."""
        return await _client(info, self.client_id)


@strawberry.type(name="ShippingSettings")
class ShippingSettingsType:
    """How a client's parcels are dispatched."""

    rule: RatingRuleEnum = strawberry.field(  # type: ignore[valid-type]
        description="How a rate is chosen among the client's carriers."
    )
    automatic_dispatch: bool = strawberry.field(
        description="Pick, pack and ship as soon as an order is allocated."
    )
    currency: CurrencyCodeEnum = strawberry.field(  # type: ignore[valid-type]
        description="ISO 4217 code rates are compared in."
    )
    label_format: LabelFormatEnum = strawberry.field(  # type: ignore[valid-type]
        description="The file labels are bought as."
    )
    ship_from: Address | None = strawberry.field(
        description="Overrides the warehouse address; null ships from the warehouse."
    )
    client_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: ShippingSettings) -> ShippingSettingsType:
        """The settings as shown."""
        ship_from = Address.of(row.ship_from) if row.ship_from else None
        return cls(
            rule=row.rule,
            automatic_dispatch=row.automatic_dispatch,
            currency=row.currency,
            label_format=row.label_format,
            ship_from=ship_from,
            client_id=row.client_id,
        )

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType | None:
        """The client these settings are for."""
        return await _client(info, self.client_id)


@strawberry.type(name="TrackingEvent")
class TrackingEventType(RowNode):
    """One step of a shipment's journey."""

    __model__ = TrackingEvent
    id: relay.NodeID[str]
    status: TrackingStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="The step, in the words all carriers share."
    )
    raw_status: str = strawberry.field(description="The carrier's own status.")
    description: str = strawberry.field(description="The carrier's words for the step.")
    occurred_at: datetime = strawberry.field(description="When it happened, as the carrier says.")
    location: str | None = strawberry.field(description="Where it happened, if the carrier says.")


@strawberry.type(name="Shipment")
class ShipmentType(RowNode):
    """A bought label and where its parcel is."""

    __model__ = Shipment
    id: relay.NodeID[str]
    carrier: str = strawberry.field(description="The carrier account's name.")
    service: str = strawberry.field(description="The carrier's service bought, e.g. `ground`.")
    tracking_number: str = strawberry.field(description="The carrier's tracking number.")
    cost: strawberry.Private[Decimal]
    currency: strawberry.Private[str]
    label_format: LabelFormatEnum = strawberry.field(  # type: ignore[valid-type]
        description="The label file's format."
    )
    status: TrackingStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="The latest tracking status."
    )
    created_at: datetime = strawberry.field(description="When the label was bought.")
    delivered_at: datetime | None = strawberry.field(
        description="When it was delivered; null until then."
    )
    order_id: strawberry.Private[uuid.UUID]
    fulfillment_order_id: strawberry.Private[uuid.UUID]
    label_content: strawberry.Private[bytes]

    @strawberry.field(name="cost")
    def cost_money(self) -> Money:
        """What the label cost."""
        return Money(amount=self.cost, currency=self.currency)

    @strawberry.field
    def label_base64(self) -> str:
        """The label file (ZPL or PDF), base64-encoded."""
        return base64.b64encode(self.label_content).decode()

    @strawberry.field
    async def order(self, info: Info[Context, None]) -> OrderType | None:
        """The order shipped."""
        row = await by_id(info.context, Order).load(self.order_id)
        return OrderType.from_row(row) if row else None

    @strawberry.field
    async def fulfillment_order(self, info: Info[Context, None]) -> FulfillmentOrderType | None:
        """The fulfillment order shipped."""
        row = await by_id(info.context, FulfillmentOrder).load(self.fulfillment_order_id)
        return FulfillmentOrderType.from_row(row) if row else None


@strawberry.type(name="Dispatch")
class DispatchType:
    """How a fulfillment order's dispatch went: tries, the choice, and why it stopped."""

    status: DispatchStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="How far it got."
    )
    attempts: int = strawberry.field(
        description="Runs so far, retries and operator retries included."
    )
    exception_reason: str | None = strawberry.field(
        description="The carrier's words, in EXCEPTION."
    )
    exception_code: str | None = strawberry.field(
        description=(
            "A stable code for the exception: the carrier's, or `DISPATCH_FAILED` "
            "when dispatch kept failing without an answer."
        )
    )
    last_error: str | None = strawberry.field(
        description="The latest error, even one a retry got past."
    )
    explanation: str | None = strawberry.field(description="The rate chosen, and the others.")
    updated_at: datetime = strawberry.field(description="When it last changed.")

    @classmethod
    def from_row(cls, row: DispatchAttempt) -> DispatchType:
        """The attempt as shown."""
        return cls(
            status=row.status,
            attempts=row.attempts,
            exception_reason=row.exception_reason,
            exception_code=row.exception_code,
            last_error=row.last_error,
            explanation=row.explanation,
            updated_at=row.updated_at,
        )


async def dispatch_of(info: Info[Context, None], fo_id: uuid.UUID) -> DispatchType | None:
    """A fulfillment order's dispatch, batched per request."""
    rows = await _children(info.context, queries.attempts_by_fulfillment_order).load(fo_id)
    return DispatchType.from_row(rows[0]) if rows else None


async def shipment_of(info: Info[Context, None], fo_id: uuid.UUID) -> ShipmentType | None:
    """A fulfillment order's shipment, batched per request."""
    rows = await _children(info.context, queries.shipments_by_fulfillment_order).load(fo_id)
    return ShipmentType.from_row(rows[0]) if rows else None


ShipmentConnection = change_connection(ShipmentType, "Shipment", "shipments")
