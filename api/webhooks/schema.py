"""Queries and mutations of webhooks."""

from __future__ import annotations

import strawberry
from sqlalchemy.orm import Session
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.listing import any_of, filter_id, read_page
from api.mutations import Payload, decode_id, mutate, optional_id
from api.permissions import requires
from api.relay import Page
from api.webhooks.filters import (
    WebhookDeliveryFilterInput,
    WebhookDeliverySort,
    WebhookEndpointFilterInput,
    WebhookEndpointSort,
)
from api.webhooks.types import WebhookDeliveryType, WebhookEndpointType
from domain.webhooks import delivery, endpoints, queries
from domain.webhooks.models import DeliveryStatus
from persistence.base import utcnow
from tenants.scope import TenantScope

_read = requires("webhooks:read")
_write = requires("webhooks:write")


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[_read])
    async def webhook_endpoints(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: WebhookEndpointFilterInput | None = None,
        sort: WebhookEndpointSort | None = None,
    ) -> relay.Connection[WebhookEndpointType]:
        """Endpoints the caller manages: all of a provider's, or a client's own."""
        where = filter or WebhookEndpointFilterInput()
        client = filter_id(where.client_id, "Client")
        return await read_page(
            info,
            WebhookEndpointType,
            lambda scope: queries.endpoints(scope, client_id=client, enabled=where.enabled),
            sort or WebhookEndpointSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[_read])
    async def webhook_deliveries(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: WebhookDeliveryFilterInput | None = None,
        sort: WebhookDeliverySort | None = None,
    ) -> relay.Connection[WebhookDeliveryType]:
        """Deliveries to the caller's endpoints, newest first, each with its attempts."""
        where = filter or WebhookDeliveryFilterInput()
        endpoint = filter_id(where.endpoint_id, "WebhookEndpoint")
        return await read_page(
            info,
            WebhookDeliveryType,
            lambda scope: queries.deliveries(
                scope,
                endpoint_id=endpoint,
                statuses=any_of(where.status, DeliveryStatus),
                topics=where.topic,
            ),
            sort or WebhookDeliverySort(),
            Page.of(first, after),
        )


@strawberry.input
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description="https to a public host; private hosts where the deployment allows."
    )
    topics: list[str] = strawberry.field(description="Event topics, e.g. order.created.")
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A client's endpoint; a client key's is always its own."
    )
    enabled: bool = True


@strawberry.type
class CreateWebhookEndpointPayload(Payload):
    endpoint: WebhookEndpointType | None = None
    secret: str | None = strawberry.field(
        default=None, description="The signing secret. Shown once; store it now."
    )


@strawberry.input
class UpdateWebhookEndpointInput:
    id: relay.GlobalID
    url: str | None = None
    topics: list[str] | None = None
    enabled: bool | None = None


@strawberry.type
class UpdateWebhookEndpointPayload(Payload):
    endpoint: WebhookEndpointType | None = None


@strawberry.input
class DeleteWebhookEndpointInput:
    id: relay.GlobalID


@strawberry.type
class DeleteWebhookEndpointPayload(Payload):
    deleted_id: relay.GlobalID | None = None


@strawberry.input
class RedeliverWebhookInput:
    delivery_id: relay.GlobalID


@strawberry.type
class RedeliverWebhookPayload(Payload):
    delivery: WebhookDeliveryType | None = None


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[_write])
    async def create_webhook_endpoint(
        self, info: Info[Context, None], input: CreateWebhookEndpointInput
    ) -> CreateWebhookEndpointPayload:
        """Add an endpoint; its signing secret is in the payload and nowhere else, ever."""

        def work(session: Session, scope: TenantScope) -> endpoints.CreatedEndpoint:
            return endpoints.create_endpoint(
                session,
                scope,
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
            lambda session, scope: endpoints.update_endpoint(
                session,
                scope,
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
            lambda session, scope: endpoints.delete_endpoint(
                session, scope, decode_id(input.id, "WebhookEndpoint", "id")
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
            lambda session, scope: delivery.redeliver(
                session,
                scope,
                decode_id(input.delivery_id, "WebhookDelivery", "deliveryId"),
                utcnow(),
            ),
            lambda row: RedeliverWebhookPayload(delivery=WebhookDeliveryType.from_row(row)),
        )
