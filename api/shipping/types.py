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
from api.context import Context
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

TrackingStatusEnum = strawberry.enum(
    TrackingStatus,
    name="TrackingStatus",
    description="A shipment's status, the same for all carriers.",
)
CarrierKindEnum = strawberry.enum(CarrierKind, name="CarrierKind", description="A carrier adapter.")
LabelFormatEnum = strawberry.enum(
    LabelFormat, name="LabelFormat", description="A label file format."
)
RatingRuleEnum = strawberry.enum(RatingRule, name="RatingRule", description="How a rate is chosen.")
DispatchStatusEnum = strawberry.enum(
    DispatchStatus, name="DispatchStatus", description="How far a dispatch got."
)


async def _client(info: Info[Context, None], client_id: uuid.UUID) -> ClientType | None:
    row = await by_id(info.context, Client).load(client_id)
    return ClientType.from_row(row) if row else None


@strawberry.type(name="CarrierAccount")
class CarrierAccountType(RowNode):
    """A client's account with a carrier; its API key and webhook secret are never shown."""

    __model__ = CarrierAccount
    id: relay.NodeID[str]
    kind: CarrierKindEnum  # type: ignore[valid-type]
    name: str = strawberry.field(description="Also the carrier code on rates and shipments.")
    enabled: bool
    base_url: str | None
    has_api_key: bool
    created_at: datetime
    updated_at: datetime
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

    rule: RatingRuleEnum  # type: ignore[valid-type]
    automatic_dispatch: bool = strawberry.field(
        description="Pick, pack and ship as soon as an order is allocated."
    )
    currency: CurrencyCodeEnum  # type: ignore[valid-type]
    label_format: LabelFormatEnum  # type: ignore[valid-type]
    ship_from: Address | None = strawberry.field(
        description="Overrides the warehouse address; None ships from the warehouse."
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
    status: TrackingStatusEnum  # type: ignore[valid-type]
    raw_status: str = strawberry.field(description="The carrier's own status.")
    description: str
    occurred_at: datetime
    location: str | None


@strawberry.type(name="Shipment")
class ShipmentType(RowNode):
    """A bought label and where its parcel is."""

    __model__ = Shipment
    id: relay.NodeID[str]
    carrier: str
    service: str
    tracking_number: str
    cost: strawberry.Private[Decimal]
    currency: strawberry.Private[str]
    label_format: LabelFormatEnum  # type: ignore[valid-type]
    status: TrackingStatusEnum  # type: ignore[valid-type]
    created_at: datetime
    delivered_at: datetime | None
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

    status: DispatchStatusEnum  # type: ignore[valid-type]
    attempts: int = strawberry.field(
        description="Runs so far, retries and operator retries included."
    )
    exception_reason: str | None = strawberry.field(
        description="The carrier's words, in EXCEPTION."
    )
    exception_code: str | None
    last_error: str | None
    explanation: str | None = strawberry.field(description="The rate chosen, and the others.")
    updated_at: datetime

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
