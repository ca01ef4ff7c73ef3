"""Filtering and sorting shipments, tracking events and carrier accounts."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.listing import SortDirection, sort_input
from api.shipping.types import TrackingStatusEnum


@strawberry.input(description="Which shipments to list; all fields must match.")
class ShipmentFilterInput:
    order_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Shipments of this order."
    )
    status: list[TrackingStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Shipments in any of these tracking states."
    )


ShipmentSort = sort_input(
    "Shipment", "shipments", ("CREATED_AT", "UPDATED_AT"), direction=SortDirection.DESC
)


@strawberry.input(description="Which tracking events to list; all fields must match.")
class TrackingEventFilterInput:
    shipment_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Events of this shipment."
    )


TrackingEventSort = sort_input(
    "TrackingEvent", "tracking events", ("OCCURRED_AT", "CREATED_AT"), direction=SortDirection.ASC
)


@strawberry.input(description="Which carrier accounts to list; all fields must match.")
class CarrierAccountFilterInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Accounts of this client."
    )


CarrierAccountSort = sort_input(
    "CarrierAccount", "carrier accounts", ("CREATED_AT", "UPDATED_AT"), direction=SortDirection.ASC
)
