"""GraphQL types of webhooks: WebhookEndpoint and WebhookDelivery are nodes; never the secret."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON
from strawberry.types import Info

from api.context import Context
from api.relay import RowNode, by_id
from api.tenants.types import ClientType
from domain.outbox.events import Topic
from domain.webhooks import queries
from domain.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from tenants.models import Client

WebhookTopicEnum = strawberry.enum(
    Topic, name="WebhookTopic", description="What happened; endpoints subscribe to these."
)
for _topic in WebhookTopicEnum.__strawberry_definition__.values:  # type: ignore[attr-defined]
    _topic.description = f"The event `{_topic.value}`."
DeliveryStatusEnum = strawberry.enum(
    DeliveryStatus, name="WebhookDeliveryStatus", description="Where a webhook delivery stands."
)


def attempts_by_delivery(context: Context) -> DataLoader[uuid.UUID, list[WebhookAttempt]]:
    """AttemptsByDeliveryLoader: each delivery's attempts, one statement per page."""

    async def load(ids: list[uuid.UUID]) -> list[list[WebhookAttempt]]:
        groups = await context.read(queries.attempts_by_delivery, list(ids))
        return [groups.get(delivery_id, []) for delivery_id in ids]

    return context.loader("webhook_attempts_by_delivery", lambda: DataLoader(load_fn=load))


@strawberry.type(name="WebhookEndpoint")
class WebhookEndpointType(RowNode):
    """A URL that receives signed events; a client's gets only that client's events."""

    __model__ = WebhookEndpoint
    id: relay.NodeID[str]
    url: str
    topics: list[WebhookTopicEnum]  # type: ignore[valid-type]
    enabled: bool
    created_at: datetime
    updated_at: datetime
    client_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType | None:
        """The client whose events it receives; None for the provider's own endpoints."""
        if self.client_id is None:
            return None
        row = await by_id(info.context, Client).load(self.client_id)
        return ClientType.from_row(row) if row else None


@strawberry.type(name="WebhookAttempt")
class WebhookAttemptType:
    """One try at sending a delivery."""

    attempted_at: datetime
    status_code: int | None = strawberry.field(description="None when no response came.")
    error: str | None
    duration_ms: int

    @classmethod
    def from_row(cls, row: WebhookAttempt) -> WebhookAttemptType:
        """The type from a stored attempt."""
        return cls(
            attempted_at=row.attempted_at,
            status_code=row.status_code,
            error=row.error,
            duration_ms=row.duration_ms,
        )


@strawberry.type(name="WebhookDelivery")
class WebhookDeliveryType(RowNode):
    """One event for one endpoint, with every attempt at sending it."""

    __model__ = WebhookDelivery
    id: relay.NodeID[str]
    message_id: str = strawberry.field(description="What receivers deduplicate on.")
    topic: WebhookTopicEnum  # type: ignore[valid-type]
    payload: JSON
    occurred_at: datetime
    status: DeliveryStatusEnum  # type: ignore[valid-type]
    attempt_count: int = strawberry.field(description="Attempts since created or redelivered.")
    next_attempt_at: datetime | None
    delivered_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    endpoint_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def endpoint(self, info: Info[Context, None]) -> WebhookEndpointType | None:
        """The endpoint it goes to."""
        row = await by_id(info.context, WebhookEndpoint).load(self.endpoint_id)
        return WebhookEndpointType.from_row(row) if row else None

    @strawberry.field
    async def attempts(self, info: Info[Context, None]) -> list[WebhookAttemptType]:
        """Every attempt, oldest first."""
        rows = await attempts_by_delivery(info.context).load(self.id)  # type: ignore[arg-type]
        return [WebhookAttemptType.from_row(row) for row in rows]
