"""Queries of webhooks: endpoints and deliveries."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.listing import any_of, filter_id, read_page
from api.permissions import requires
from api.relay import Page
from api.webhooks.filters import (
    WebhookDeliveryFilterInput,
    WebhookDeliverySort,
    WebhookEndpointFilterInput,
    WebhookEndpointSort,
)
from api.webhooks.mutations import Mutation
from api.webhooks.types import WebhookDeliveryType, WebhookEndpointType
from domain.webhooks import queries
from domain.webhooks.models import DeliveryStatus

__all__ = ["Mutation", "Query"]

_read = requires("webhooks:read")


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
