"""Inputs and payloads of order mutations, and their translation to domain commands."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.mutations import Payload, optional_id
from api.orders.types import FulfillmentOrderType, HoldReasonEnum, OrderHoldType, OrderType
from domain.addresses import Address
from domain.orders.commands import CreateOrder, LineRequest


@strawberry.input
class ShipToInput:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. DE.")
    company: str | None = None
    line2: str | None = None
    region: str | None = None
    phone: str | None = None
    email: str | None = None


@strawberry.input
class OrderLineInput:
    sku: str
    quantity: int


@strawberry.input
class CreateOrderInput:
    external_reference: str = strawberry.field(
        description="The client's own order id; sending it again returns the same order."
    )
    ship_to: ShipToInput
    lines: list[OrderLineInput]
    service_level: str = "standard"
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for a provider key; a client key orders for itself."
    )

    def command(self) -> CreateOrder:
        """The domain command this input asks for."""
        ship_to = self.ship_to
        return CreateOrder(
            external_reference=self.external_reference,
            service_level=self.service_level,
            client_id=optional_id(self.client_id, "Client", "clientId"),
            ship_to=Address(
                name=ship_to.name,
                line1=ship_to.line1,
                city=ship_to.city,
                postal_code=ship_to.postal_code,
                country=ship_to.country,
                company=ship_to.company,
                line2=ship_to.line2,
                region=ship_to.region,
                phone=ship_to.phone,
                email=ship_to.email,
            ),
            lines=tuple(LineRequest(sku=line.sku, quantity=line.quantity) for line in self.lines),
        )


@strawberry.type
class CreateOrderPayload(Payload):
    order: OrderType | None = None
    created: bool | None = strawberry.field(
        default=None, description="False when this repeated an earlier request for the same order."
    )


@strawberry.input
class PlaceOrderHoldInput:
    order_id: relay.GlobalID
    reason: HoldReasonEnum  # type: ignore[valid-type]
    note: str | None = None


@strawberry.input
class ReleaseOrderHoldInput:
    id: relay.GlobalID


@strawberry.type
class OrderHoldPayload(Payload):
    hold: OrderHoldType | None = None
    order: OrderType | None = None


@strawberry.input
class CancelOrderInput:
    id: relay.GlobalID


@strawberry.type
class CancelOrderPayload(Payload):
    order: OrderType | None = None


@strawberry.input
class FulfillmentStepInput:
    id: relay.GlobalID = strawberry.field(description="The fulfillment order.")


@strawberry.input
class MarkShippedInput:
    id: relay.GlobalID = strawberry.field(description="The fulfillment order.")
    carrier: str
    tracking_number: str


@strawberry.type
class FulfillmentOrderPayload(Payload):
    fulfillment_order: FulfillmentOrderType | None = None
    order: OrderType | None = None
