"""Queries and mutations of webhooks."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context, parse_uuid
from api.mutations import Payload, decode_id, mutate, optional_id
from api.permissions import requires
from api.relay import Page, connection, keyset_page
from api.webhooks.types import DeliveryStatusEnum, WebhookDeliveryType, WebhookEndpointType
from domain.webhooks import delivery, endpoints, queries
from domain.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from persistence.base import utcnow
from tenants.unit_of_work import TenantUnitOfWork

_read = requires("webhooks:read")
_write = requires("webhooks:write")


@strawberry.input
class WebhookDeliveryFilter:
    endpoint_id: relay.GlobalID | None = None
    status: DeliveryStatusEnum | None = None  # type: ignore[valid-type]
    topic: str | None = None


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[_read])
    async def webhook_endpoints(
        self, info: Info[Context, None], first: int | None = None, after: str | None = None
    ) -> relay.Connection[WebhookEndpointType]:
        """Endpoints the caller manages: all of a provider's, or a client's own."""
        page = Page.of(first, after)

        def run(uow: TenantUnitOfWork) -> tuple[list[Any], bool]:
            return keyset_page(uow.session, uow.select(WebhookEndpoint), [WebhookEndpoint.id], page)

        rows, more = await info.context.read(run)
        return connection(WebhookEndpointType, rows, more, ("id",), page)

    @strawberry.field(permission_classes=[_read])
    async def webhook_deliveries(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: WebhookDeliveryFilter | None = None,
    ) -> relay.Connection[WebhookDeliveryType]:
        """Deliveries to the caller's endpoints, newest first, each with its attempts."""
        page = Page.of(first, after)
        where = filter or WebhookDeliveryFilter()
        endpoint_id = None
        if where.endpoint_id is not None:
            endpoint_id = (
                parse_uuid(where.endpoint_id.node_id)
                if where.endpoint_id.type_name == "WebhookEndpoint"
                else None
            )
            if endpoint_id is None:  # not an endpoint id at all: nothing can match
                return connection(WebhookDeliveryType, [], False, ("id",), page)

        def run(uow: TenantUnitOfWork) -> tuple[list[Any], bool]:
            stmt = queries.deliveries(
                uow.scope,
                endpoint_id=endpoint_id,
                status=DeliveryStatus(where.status.value) if where.status else None,
                topic=where.topic,
            )
            return keyset_page(uow.session, stmt, [WebhookDelivery.id], page, descending=True)

        rows, more = await info.context.read(run)
        return connection(WebhookDeliveryType, rows, more, ("id",), page)


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
                decode_id(input.delivery_id, "WebhookDelivery", "deliveryId"),
                utcnow(),
            ),
            lambda row: RedeliverWebhookPayload(delivery=WebhookDeliveryType.from_row(row)),
        )
