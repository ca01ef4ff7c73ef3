"""Inputs of webhook mutations."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.webhooks.types import WebhookTopicEnum


@strawberry.input(description="Add a webhook endpoint.")
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
    enabled: bool = strawberry.field(default=True, description="Whether it is sent events now.")


@strawberry.input(description="Change an endpoint; fields left out stay as they are.")
class UpdateWebhookEndpointInput:
    id: relay.GlobalID = strawberry.field(description="The endpoint.")
    url: str | None = strawberry.field(default=None, description="A new URL.")
    topics: list[WebhookTopicEnum] | None = strawberry.field(
        default=None, description="The new topics, replacing the old."
    )  # type: ignore[valid-type]
    enabled: bool | None = strawberry.field(default=None, description="Whether it is sent events.")


@strawberry.input(description="Delete an endpoint.")
class DeleteWebhookEndpointInput:
    id: relay.GlobalID = strawberry.field(description="The endpoint.")


@strawberry.input(description="Send a delivery again.")
class RedeliverWebhookInput:
    id: relay.GlobalID = strawberry.field(description="The delivery.")
