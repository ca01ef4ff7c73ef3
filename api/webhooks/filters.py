"""Filtering and sorting webhook endpoints and deliveries."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.listing import SortDirection, sort_input
from api.webhooks.types import DeliveryStatusEnum, WebhookTopicEnum


@strawberry.input(description="Which webhook endpoints to list; all fields must match.")
class WebhookEndpointFilterInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Endpoints of this client."
    )
    enabled: bool | None = strawberry.field(
        default=None, description="true: only enabled endpoints; false: only disabled ones."
    )


WebhookEndpointSort = sort_input(
    "WebhookEndpoint",
    "webhook endpoints",
    ("CREATED_AT", "UPDATED_AT"),
    direction=SortDirection.ASC,
)


@strawberry.input(description="Which webhook deliveries to list; all fields must match.")
class WebhookDeliveryFilterInput:
    endpoint_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Deliveries to this endpoint."
    )
    status: list[DeliveryStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Deliveries in any of these states."
    )
    topic: list[WebhookTopicEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Deliveries of any of these event topics."
    )


WebhookDeliverySort = sort_input(
    "WebhookDelivery",
    "webhook deliveries",
    ("CREATED_AT", "UPDATED_AT"),
    direction=SortDirection.DESC,
)
