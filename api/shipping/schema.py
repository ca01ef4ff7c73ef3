"""Queries of shipping: shipments, their tracking events, carrier accounts and settings."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.change_feed import CHANGES_AFTER, read_list
from api.context import Context
from api.listing import any_of, filter_id, read_page
from api.permissions import requires
from api.relay import Page
from api.shipping.filters import (
    CarrierAccountFilterInput,
    CarrierAccountSort,
    ShipmentFilterInput,
    ShipmentSort,
    TrackingEventFilterInput,
    TrackingEventSort,
)
from api.shipping.mutations import Mutation
from api.shipping.types import (
    CarrierAccountType,
    ShipmentConnection,
    ShipmentType,
    ShippingSettingsType,
    TrackingEventType,
)
from domain.clients import owning_client
from domain.shipping import queries
from domain.shipping.carriers.base import TrackingStatus
from domain.shipping.settings import settings_for
from tenants.errors import UserFacingError
from tenants.unit_of_work import TenantUnitOfWork

__all__ = ["Mutation", "Query"]

_read = requires("orders:read")


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[_read])
    async def shipments(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: ShipmentFilterInput | None = None,
        sort: ShipmentSort | None = None,
        changes_after: Annotated[str | None, strawberry.argument(description=CHANGES_AFTER)] = None,
    ) -> ShipmentConnection:
        """The caller's shipments, newest first unless sorted otherwise, or those changed
        after a change cursor (`changesAfter`), for keeping a copy in sync."""
        where = filter or ShipmentFilterInput()
        order_id = filter_id(where.order_id, "Order")
        statuses = any_of(where.status, TrackingStatus)
        return await read_list(
            info,
            ShipmentConnection,
            ShipmentType,
            lambda scope: queries.shipments_matching(scope, order_id, statuses),
            sort,
            ShipmentSort(),
            (first, after),
            changes_after,
        )

    @strawberry.field(permission_classes=[_read])
    async def tracking_events(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: TrackingEventFilterInput | None = None,
        sort: TrackingEventSort | None = None,
    ) -> relay.Connection[TrackingEventType]:
        """Shipments' journeys, in the order they happened unless sorted otherwise."""
        shipment = filter_id(filter.shipment_id if filter else None, "Shipment")
        return await read_page(
            info,
            TrackingEventType,
            lambda scope: queries.tracking_events_of(scope, shipment),
            sort or TrackingEventSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[_read])
    async def carrier_accounts(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: CarrierAccountFilterInput | None = None,
        sort: CarrierAccountSort | None = None,
    ) -> relay.Connection[CarrierAccountType]:
        """Carrier accounts: all of a provider's clients', or a client's own."""
        client = filter_id(filter.client_id if filter else None, "Client")
        return await read_page(
            info,
            CarrierAccountType,
            lambda scope: queries.carrier_accounts_of(scope, client),
            sort or CarrierAccountSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[_read])
    async def shipping_settings(
        self,
        info: Info[Context, None],
        client_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="The client; a client key's own when left out."),
        ] = None,
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
