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
from api.descriptions import described_enum
from api.relay import RowNode, by_id
from api.tenants.types import ClientType, SupplierType
from domain.outbox.events import Topic
from domain.webhooks import queries
from domain.webhooks.models import (
    DeliveryStatus,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from tenants.models import Client, Supplier

WebhookTopicEnum = described_enum(
    Topic,
    name="WebhookTopic",
    description="What happened; endpoints subscribe to these.",
    values={topic: f"The event `{topic.value}`." for topic in Topic},
)
DeliveryStatusEnum = described_enum(
    DeliveryStatus,
    name="WebhookDeliveryStatus",
    description="Where a webhook delivery stands.",
    values={
        DeliveryStatus.PENDING: "Not delivered yet; the next attempt is scheduled.",
        DeliveryStatus.DELIVERED: "The endpoint answered with a 2xx status.",
        DeliveryStatus.FAILED: "Every attempt failed; `redeliverWebhook` tries again.",
    },
)
WHEN_CHANGED = "When it last changed."


def attempts_by_delivery(context: Context) -> DataLoader[uuid.UUID, list[WebhookAttempt]]:
    """AttemptsByDeliveryLoader: each delivery's attempts, one statement per page."""

    async def load(ids: list[uuid.UUID]) -> list[list[WebhookAttempt]]:
        groups = await context.read(queries.attempts_by_delivery, list(ids))
        return [groups.get(delivery_id, []) for delivery_id in ids]

    return context.loader("webhook_attempts_by_delivery", lambda: DataLoader(load_fn=load))


@strawberry.type(name="WebhookEndpoint")
class WebhookEndpointType(RowNode):
    """A URL that receives signed events; a client's or a supplier's gets only its own events."""

    __model__ = WebhookEndpoint
    id: relay.NodeID[str]
    url: str = strawberry.field(description="Where events are POSTed.")
    topics: list[WebhookTopicEnum] = strawberry.field(  # type: ignore[valid-type]
        description="The event topics it receives."
    )
    enabled: bool = strawberry.field(description="Whether events are sent to it.")
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description=WHEN_CHANGED)
    client_id: strawberry.Private[uuid.UUID | None]
    supplier_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType | None:
        """The client whose events it receives; null for the provider's own endpoints."""
        if self.client_id is None:
            return None
        row = await by_id(info.context, Client).load(self.client_id)
        return ClientType.from_row(row) if row else None

    @strawberry.field
    async def supplier(self, info: Info[Context, None]) -> SupplierType | None:
        """The supplier whose work it hears about; null unless a supplier's key made it."""
        if self.supplier_id is None:
            return None
        row = await by_id(info.context, Supplier).load(self.supplier_id)
        return SupplierType.from_row(row) if row else None


@strawberry.type(name="WebhookAttempt")
class WebhookAttemptType:
    """One try at sending a delivery."""

    attempted_at: datetime = strawberry.field(description="When it was sent.")
    status_code: int | None = strawberry.field(description="Null when no response came.")
    error: str | None = strawberry.field(description="What went wrong; null on success.")
    duration_ms: int = strawberry.field(description="How long the endpoint took, in ms.")

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
    topic: WebhookTopicEnum = strawberry.field(  # type: ignore[valid-type]
        description="What happened, e.g. ORDER_SHIPPED."
    )
    payload: JSON = strawberry.field(description="The event's data, as sent in the body.")
    occurred_at: datetime = strawberry.field(description="When the event happened.")
    status: DeliveryStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Where it stands."
    )
    attempt_count: int = strawberry.field(description="Attempts since created or redelivered.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When it will be tried next; null once delivered or given up."
    )
    delivered_at: datetime | None = strawberry.field(
        description="When the endpoint accepted it; null until then."
    )
    last_status_code: int | None = strawberry.field(
        description="The latest attempt's HTTP status; null if none came."
    )
    last_error: str | None = strawberry.field(description="The latest attempt's error, if any.")
    created_at: datetime = strawberry.field(description="When it was queued.")
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
