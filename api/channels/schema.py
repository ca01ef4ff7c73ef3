"""Queries of sales channels: connections, SKU mappings, imported channel orders."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.channels.filters import (
    ChannelConnectionFilterInput,
    ChannelConnectionSort,
    ChannelOrderFilterInput,
    ChannelOrderSort,
    ChannelSkuMappingFilterInput,
    ChannelSkuMappingSort,
)
from api.channels.mutations import Mutation
from api.channels.types import ChannelConnectionType, ChannelOrderType, ChannelSkuMappingType
from api.context import Context
from api.listing import any_of, filter_id, read_page
from api.permissions import requires
from api.relay import Page
from domain.channels import queries
from domain.channels.models import ChannelOrderStatus

__all__ = ["Mutation", "Query"]

_read = requires("orders:read")


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[_read])
    async def channel_connections(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: ChannelConnectionFilterInput | None = None,
        sort: ChannelConnectionSort | None = None,
    ) -> relay.Connection[ChannelConnectionType]:
        """Shops connected: all of a provider's clients', or a client's own."""
        client = filter_id(filter.client_id if filter else None, "Client")
        return await read_page(
            info,
            ChannelConnectionType,
            lambda scope: queries.connections_matching(scope, client),
            sort or ChannelConnectionSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[_read])
    async def channel_sku_mappings(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: ChannelSkuMappingFilterInput | None = None,
        sort: ChannelSkuMappingSort | None = None,
    ) -> relay.Connection[ChannelSkuMappingType]:
        """Channel SKUs mapped to products."""
        where = filter or ChannelSkuMappingFilterInput()
        connection = filter_id(where.connection_id, "ChannelConnection")
        return await read_page(
            info,
            ChannelSkuMappingType,
            lambda scope: queries.mappings_matching(scope, connection, where.channel_sku),
            sort or ChannelSkuMappingSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[_read])
    async def channel_orders(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: ChannelOrderFilterInput | None = None,
        sort: ChannelOrderSort | None = None,
    ) -> relay.Connection[ChannelOrderType]:
        """Orders the channels sent and what became of each, newest first."""
        where = filter or ChannelOrderFilterInput()
        connection = filter_id(where.connection_id, "ChannelConnection")
        statuses = any_of(where.status, ChannelOrderStatus)
        return await read_page(
            info,
            ChannelOrderType,
            lambda scope: queries.channel_orders_matching(scope, connection, statuses),
            sort or ChannelOrderSort(),
            Page.of(first, after),
        )
