"""Inputs of order mutations, and their translation to domain commands."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.addresses import AddressInput
from api.mutations import optional_id
from api.orders.types import HoldReasonEnum, ServiceLevelEnum
from domain.orders.commands import CreateOrder, LineRequest
from domain.shipping.carriers.base import ServiceLevel


@strawberry.input(description="A SKU and how many of it.")
class OrderLineInput:
    sku: str = strawberry.field(description="The client's SKU.")
    quantity: int = strawberry.field(description="How many units.")


@strawberry.input(description="A client's order.")
class CreateOrderInput:
    external_reference: str = strawberry.field(
        description="The client's own order id; sending it again returns the same order."
    )
    ship_to: AddressInput = strawberry.field(description="Where the order goes; name is required.")
    lines: list[OrderLineInput] = strawberry.field(description="What is ordered, one line per SKU.")
    service_level: ServiceLevelEnum = strawberry.field(  # type: ignore[valid-type]
        default=ServiceLevel.STANDARD, description="How fast the client wants it delivered."
    )
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for a provider key; a client key orders for itself."
    )
    tags: list[str] = strawberry.field(
        default_factory=list,
        description="Labels for the order (e.g. vip); routing rules match them.",
    )

    def command(self) -> CreateOrder:
        """The domain command this input asks for."""
        return CreateOrder(
            external_reference=self.external_reference,
            service_level=self.service_level,
            client_id=optional_id(self.client_id, "Client", "clientId"),
            ship_to=self.ship_to.ship_to(),
            lines=tuple(LineRequest(sku=line.sku, quantity=line.quantity) for line in self.lines),
            tags=tuple(self.tags),
        )


@strawberry.input(description="Hold an order back from fulfilment.")
class PlaceOrderHoldInput:
    id: relay.GlobalID = strawberry.field(description="The order.")
    reason: HoldReasonEnum = strawberry.field(
        description="Why; a client key may hold only for CLIENT_REQUEST."
    )  # type: ignore[valid-type]
    note: str | None = strawberry.field(
        default=None, description="Anything worth keeping with the hold."
    )


@strawberry.input(description="Release one hold.")
class ReleaseOrderHoldInput:
    id: relay.GlobalID = strawberry.field(description="The hold.")


@strawberry.input(description="Cancel an order.")
class CancelOrderInput:
    id: relay.GlobalID = strawberry.field(description="The order.")


@strawberry.input(description="Correct where an order goes.")
class UpdateOrderShipToInput:
    id: relay.GlobalID = strawberry.field(description="The order.")
    ship_to: AddressInput = strawberry.field(
        description="The whole corrected address; name is required."
    )


@strawberry.input(description="Start picking a fulfillment order.")
class StartPickingInput:
    id: relay.GlobalID = strawberry.field(description="The fulfillment order.")


@strawberry.input(description="A fulfillment order is packed.")
class MarkPackedInput:
    id: relay.GlobalID = strawberry.field(description="The fulfillment order.")


@strawberry.input(description="A fulfillment order was handed to a carrier by hand.")
class MarkShippedInput:
    id: relay.GlobalID = strawberry.field(description="The fulfillment order.")
    carrier: str = strawberry.field(description="The carrier, as the operator names it.")
    tracking_number: str = strawberry.field(description="The carrier's tracking number.")


@strawberry.input(description="A fulfillment order was delivered.")
class MarkDeliveredInput:
    id: relay.GlobalID = strawberry.field(description="The fulfillment order.")
