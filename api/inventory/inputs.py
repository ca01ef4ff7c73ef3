"""Inputs of stock mutations: adjustments, counts and inbound shipments."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from api.inventory.types import AdjustmentReasonEnum


@strawberry.input
class AdjustInventoryInput:
    product_id: relay.GlobalID
    warehouse_id: relay.GlobalID
    quantity: int = strawberry.field(
        description="Signed change; found: > 0, lost: < 0, correction: either, ..."
    )
    reason: AdjustmentReasonEnum  # type: ignore[valid-type]
    note: str | None = None


@strawberry.input
class RecordCycleCountInput:
    product_id: relay.GlobalID
    warehouse_id: relay.GlobalID
    counted_quantity: int = strawberry.field(description="Units found on hand, sellable or not.")
    note: str | None = None


@strawberry.input
class InboundLineInput:
    product_id: relay.GlobalID
    quantity: int


@strawberry.input
class CreateInboundShipmentInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for provider keys; a client key sends its own."
    )
    warehouse_id: relay.GlobalID
    reference: str = strawberry.field(description="Unique per client.")
    expected_at: datetime | None = None
    lines: list[InboundLineInput]


@strawberry.input
class ReceiveInboundShipmentInput:
    id: relay.GlobalID = strawberry.field(description="The inbound shipment.")
    lines: list[InboundLineInput] = strawberry.field(
        description="What arrived now; more or less than expected is fine."
    )
    note: str | None = None


@strawberry.input
class CloseInboundShipmentInput:
    id: relay.GlobalID = strawberry.field(description="The inbound shipment.")
