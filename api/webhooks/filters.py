"""Filtering and sorting webhook endpoints and deliveries."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry import relay

from api.listing import Sort, SortDirection
from api.webhooks.types import DeliveryStatusEnum, WebhookTopicEnum


@strawberry.input(description="Which webhook endpoints to list; all fields must match.")
class WebhookEndpointFilterInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Endpoints of this client."
    )
    enabled: bool | None = strawberry.field(
        default=None, description="true: only enabled endpoints; false: only disabled ones."
    )


@strawberry.enum(description="What webhook endpoints can be sorted by.")
class WebhookEndpointSortField(Enum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="How to sort webhook endpoints; oldest first by default.")
class WebhookEndpointSort(Sort):
    field: WebhookEndpointSortField = WebhookEndpointSortField.CREATED_AT
    direction: SortDirection = SortDirection.ASC


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


@strawberry.enum(description="What webhook deliveries can be sorted by.")
class WebhookDeliverySortField(Enum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="How to sort webhook deliveries; newest first by default.")
class WebhookDeliverySort(Sort):
    field: WebhookDeliverySortField = WebhookDeliverySortField.CREATED_AT
    direction: SortDirection = SortDirection.DESC
