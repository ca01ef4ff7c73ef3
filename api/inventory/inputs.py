"""Inputs of stock mutations: adjustments, counts and inbound shipments."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from api.inventory.types import AdjustmentReasonEnum


@strawberry.input(description="Change stock by hand, for a reason.")
class AdjustInventoryInput:
    product_id: relay.GlobalID = strawberry.field(description="The product.")
    warehouse_id: relay.GlobalID = strawberry.field(description="The warehouse.")
    quantity: int = strawberry.field(
        description="Signed change; found: > 0, lost: < 0, correction: either, ..."
    )
    reason: AdjustmentReasonEnum = strawberry.field(description="Why the stock changed.")  # type: ignore[valid-type]
    note: str | None = strawberry.field(
        default=None, description="Anything worth keeping with the ledger row."
    )


@strawberry.input(description="Set on-hand stock to a physical count.")
class RecordCycleCountInput:
    product_id: relay.GlobalID = strawberry.field(description="The product counted.")
    warehouse_id: relay.GlobalID = strawberry.field(description="Where it was counted.")
    counted_quantity: int = strawberry.field(description="Units found on hand, sellable or not.")
    note: str | None = strawberry.field(
        default=None, description="Anything worth keeping with the ledger row."
    )


@strawberry.input(description="A product and a quantity of it.")
class InboundLineInput:
    product_id: relay.GlobalID = strawberry.field(description="The product.")
    quantity: int = strawberry.field(description="How many units.")


@strawberry.input(description="Announce goods on their way to a warehouse.")
class CreateInboundShipmentInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for provider keys; a client key sends its own."
    )
    warehouse_id: relay.GlobalID = strawberry.field(description="Where the goods go.")
    reference: str = strawberry.field(description="Unique per client.")
    expected_at: datetime | None = strawberry.field(
        default=None, description="When they are expected to arrive."
    )
    lines: list[InboundLineInput] = strawberry.field(description="What is on its way.")


@strawberry.input(description="Book goods that arrived.")
class ReceiveInboundShipmentInput:
    id: relay.GlobalID = strawberry.field(description="The inbound shipment.")
    lines: list[InboundLineInput] = strawberry.field(
        description="What arrived now; more or less than expected is fine."
    )
    note: str | None = strawberry.field(
        default=None, description="Anything worth keeping with the receipt."
    )


@strawberry.input(description="Stop expecting what has not arrived.")
class CloseInboundShipmentInput:
    id: relay.GlobalID = strawberry.field(description="The inbound shipment.")
