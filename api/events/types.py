"""The Event type subscriptions yield."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

import strawberry
from strawberry.scalars import JSON

from api.webhooks.types import WebhookTopicEnum
from domain.outbox.models import OutboxEvent


@strawberry.type(description="Something that happened, as recorded with the change itself.")
class Event:
    id: strawberry.ID = strawberry.field(description="The event's id; later events sort higher.")
    topic: WebhookTopicEnum = strawberry.field(  # type: ignore[valid-type]
        description="What happened, e.g. ORDER_ALLOCATED (the same topics webhooks use)."
    )
    aggregate_type: str = strawberry.field(description="The kind of object it happened to.")
    aggregate_id: strawberry.ID = strawberry.field(description="The id of that object.")
    occurred_at: datetime = strawberry.field(description="When it happened.")
    payload: JSON = strawberry.field(  # type: ignore[valid-type]
        description="What happened, in the same shape as the webhook body's `data`."
    )
    position: str = strawberry.field(
        description="Where the subscription stood when it delivered this event (opaque, "
        "like `Query.eventPosition`): subscribing again with it as `after` (a dropped "
        "connection) hears every event after this one, and may repeat those of the few "
        "seconds before it; valid for 10 minutes."
    )

    @classmethod
    def from_row(cls, row: OutboxEvent, position: str) -> Self:
        """The event as the API shows it, delivered at `position`."""
        payload: Any = row.payload
        return cls(
            id=strawberry.ID(str(row.id)),
            topic=row.topic,
            aggregate_type=row.aggregate_type,
            aggregate_id=strawberry.ID(str(row.aggregate_id)),
            occurred_at=row.created_at,
            payload=payload,
            position=position,
        )
