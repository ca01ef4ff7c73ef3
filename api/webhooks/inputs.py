"""Inputs of webhook mutations."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.webhooks.types import WebhookTopicEnum


@strawberry.input
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description="https to a public host; private hosts where the deployment allows."
    )
    topics: list[WebhookTopicEnum] = strawberry.field(  # type: ignore[valid-type]
        description="What the endpoint is sent, e.g. [ORDER_CREATED]."
    )
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A client's endpoint; a client key's is always its own."
    )
    enabled: bool = True


@strawberry.input
class UpdateWebhookEndpointInput:
    id: relay.GlobalID
    url: str | None = None
    topics: list[WebhookTopicEnum] | None = None  # type: ignore[valid-type]
    enabled: bool | None = None


@strawberry.input
class DeleteWebhookEndpointInput:
    id: relay.GlobalID


@strawberry.input
class RedeliverWebhookInput:
    id: relay.GlobalID = strawberry.field(description="The delivery.")
