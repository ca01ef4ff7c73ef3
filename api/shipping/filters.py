"""Filtering and sorting shipments, tracking events and carrier accounts."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry import relay

from api.listing import Sort, SortDirection
from api.shipping.types import TrackingStatusEnum


@strawberry.input(description="Which shipments to list; all fields must match.")
class ShipmentFilterInput:
    order_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Shipments of this order."
    )
    status: list[TrackingStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Shipments in any of these tracking states."
    )


@strawberry.enum(description="What shipments can be sorted by.")
class ShipmentSortField(Enum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="How to sort shipments; newest first by default.")
class ShipmentSort(Sort):
    field: ShipmentSortField = ShipmentSortField.CREATED_AT
    direction: SortDirection = SortDirection.DESC


@strawberry.input(description="Which tracking events to list; all fields must match.")
class TrackingEventFilterInput:
    shipment_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Events of this shipment."
    )


@strawberry.enum(description="What tracking events can be sorted by (they never change).")
class TrackingEventSortField(Enum):
    OCCURRED_AT = "occurred_at"
    CREATED_AT = "created_at"


@strawberry.input(description="How to sort tracking events; in the order they happened by default.")
class TrackingEventSort(Sort):
    field: TrackingEventSortField = TrackingEventSortField.OCCURRED_AT
    direction: SortDirection = SortDirection.ASC


@strawberry.input(description="Which carrier accounts to list; all fields must match.")
class CarrierAccountFilterInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Accounts of this client."
    )


@strawberry.enum(description="What carrier accounts can be sorted by.")
class CarrierAccountSortField(Enum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="How to sort carrier accounts; oldest first by default.")
class CarrierAccountSort(Sort):
    field: CarrierAccountSortField = CarrierAccountSortField.CREATED_AT
    direction: SortDirection = SortDirection.ASC
