"""Queries of shipping: shipments, their tracking events, carrier accounts and settings."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.listing import NO_MATCH, filter_id, read_page
from api.permissions import requires
from api.relay import Page
from api.shipping.mutations import Mutation
from api.shipping.types import (
    CarrierAccountType,
    ShipmentType,
    ShippingSettingsType,
    TrackingEventType,
    TrackingStatusEnum,
)
from domain.clients import owning_client
from domain.shipping import queries
from domain.shipping.carriers.base import TrackingStatus
from domain.shipping.settings import settings_for
from tenants.errors import UserFacingError
from tenants.unit_of_work import TenantUnitOfWork

__all__ = ["Mutation", "Query"]

_read = requires("orders:read")


@strawberry.input
class ShipmentFilterInput:
    order_id: relay.GlobalID | None = None
    status: TrackingStatusEnum | None = None  # type: ignore[valid-type]


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[_read])
    async def shipments(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: ShipmentFilterInput | None = None,
    ) -> relay.Connection[ShipmentType]:
        """The caller's shipments, newest first."""
        page = Page.of(first, after)
        where = filter or ShipmentFilterInput()
        order_id = filter_id(where.order_id, "Order")
        status = TrackingStatus(where.status.value) if where.status else None
        return await read_page(
            info,
            ShipmentType,
            lambda scope: queries.shipments_matching(scope, order_id, status),
            ("created_at", "id"),
            page,
            descending=True,
        )

    @strawberry.field(permission_classes=[_read])
    async def tracking_events(
        self,
        info: Info[Context, None],
        shipment_id: relay.GlobalID,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[TrackingEventType]:
        """A shipment's journey, oldest first; empty for a shipment that is not the caller's."""
        page = Page.of(first, after)
        shipment = filter_id(shipment_id, "Shipment") or NO_MATCH
        return await read_page(
            info,
            TrackingEventType,
            lambda scope: queries.tracking_events_of(scope, shipment),
            ("occurred_at", "id"),
            page,
        )

    @strawberry.field(permission_classes=[_read])
    async def carrier_accounts(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        client_id: relay.GlobalID | None = None,
    ) -> relay.Connection[CarrierAccountType]:
        """Carrier accounts: all of a provider's clients', or a client's own."""
        page = Page.of(first, after)
        client = filter_id(client_id, "Client")
        return await read_page(
            info,
            CarrierAccountType,
            lambda scope: queries.carrier_accounts_of(scope, client),
            ("id",),
            page,
        )

    @strawberry.field(permission_classes=[_read])
    async def shipping_settings(
        self, info: Info[Context, None], client_id: relay.GlobalID | None = None
    ) -> ShippingSettingsType | None:
        """A client's shipping settings (a client key: its own); None for an unknown client."""
        wanted = filter_id(client_id, "Client")

        def run(uow: TenantUnitOfWork) -> ShippingSettingsType | None:
            try:
                client = owning_client(uow, wanted)
            except UserFacingError:
                return None
            return ShippingSettingsType.from_row(settings_for(uow, client))

        return await info.context.read(run)
