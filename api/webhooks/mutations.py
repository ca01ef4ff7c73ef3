"""Mutations of webhooks, each with its own payload: endpoints and redelivery."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.mutations import Payload, decode_id, mutate, optional_id
from api.permissions import requires
from api.webhooks.inputs import (
    CreateWebhookEndpointInput,
    DeleteWebhookEndpointInput,
    RedeliverWebhookInput,
    UpdateWebhookEndpointInput,
)
from api.webhooks.types import WebhookDeliveryType, WebhookEndpointType
from domain.webhooks import delivery, endpoints
from tenants.unit_of_work import TenantUnitOfWork

_write = requires("webhooks:write")


@strawberry.type
class CreateWebhookEndpointPayload(Payload):
    endpoint: WebhookEndpointType | None = strawberry.field(
        default=None, description="The endpoint after the change; null when refused."
    )
    secret: str | None = strawberry.field(
        default=None, description="The signing secret. Shown once; store it now."
    )


@strawberry.type
class UpdateWebhookEndpointPayload(Payload):
    endpoint: WebhookEndpointType | None = strawberry.field(
        default=None, description="The endpoint after the change; null when refused."
    )


@strawberry.type
class DeleteWebhookEndpointPayload(Payload):
    deleted_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The id of the deleted endpoint; null when refused."
    )


@strawberry.type
class RedeliverWebhookPayload(Payload):
    delivery: WebhookDeliveryType | None = strawberry.field(
        default=None, description="The delivery after the change; null when refused."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[_write])
    async def create_webhook_endpoint(
        self, info: Info[Context, None], input: CreateWebhookEndpointInput
    ) -> CreateWebhookEndpointPayload:
        """Add an endpoint; its signing secret is in the payload and nowhere else, ever."""

        def work(uow: TenantUnitOfWork) -> endpoints.CreatedEndpoint:
            return endpoints.create_endpoint(
                uow,
                url=input.url,
                topics=input.topics,
                client_id=optional_id(input.client_id, "Client", "clientId"),
                enabled=input.enabled,
                allow_private_urls=info.context.allow_private_urls,
            )

        return await mutate(
            info,
            CreateWebhookEndpointPayload,
            work,
            lambda created: CreateWebhookEndpointPayload(
                endpoint=WebhookEndpointType.from_row(created.endpoint), secret=created.secret
            ),
        )

    @strawberry.mutation(permission_classes=[_write])
    async def update_webhook_endpoint(
        self, info: Info[Context, None], input: UpdateWebhookEndpointInput
    ) -> UpdateWebhookEndpointPayload:
        """Change an endpoint's URL or topics, or enable or disable it."""
        return await mutate(
            info,
            UpdateWebhookEndpointPayload,
            lambda uow: endpoints.update_endpoint(
                uow,
                decode_id(input.id, "WebhookEndpoint", "id"),
                url=input.url,
                topics=input.topics,
                enabled=input.enabled,
                allow_private_urls=info.context.allow_private_urls,
            ),
            lambda row: UpdateWebhookEndpointPayload(endpoint=WebhookEndpointType.from_row(row)),
        )

    @strawberry.mutation(permission_classes=[_write])
    async def delete_webhook_endpoint(
        self, info: Info[Context, None], input: DeleteWebhookEndpointInput
    ) -> DeleteWebhookEndpointPayload:
        """Delete an endpoint, its deliveries and their log; nothing more is sent to it."""
        return await mutate(
            info,
            DeleteWebhookEndpointPayload,
            lambda uow: endpoints.delete_endpoint(
                uow, decode_id(input.id, "WebhookEndpoint", "id")
            ),
            lambda _: DeleteWebhookEndpointPayload(deleted_id=input.id),
        )

    @strawberry.mutation(permission_classes=[_write])
    async def redeliver_webhook(
        self, info: Info[Context, None], input: RedeliverWebhookInput
    ) -> RedeliverWebhookPayload:
        """Send a delivery again, with the same message id and a fresh retry budget."""
        return await mutate(
            info,
            RedeliverWebhookPayload,
            lambda uow: delivery.redeliver(
                uow,
                decode_id(input.id, "WebhookDelivery", "id"),
            ),
            lambda row: RedeliverWebhookPayload(delivery=WebhookDeliveryType.from_row(row)),
        )
