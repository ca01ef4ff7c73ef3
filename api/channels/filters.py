"""Filtering and sorting channel connections, SKU mappings and channel orders."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.channels.types import ChannelOrderStatusEnum
from api.listing import SortDirection, sort_input


@strawberry.input(description="Which channel connections to list; all fields must match.")
class ChannelConnectionFilterInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Connections of this client."
    )


ChannelConnectionSort = sort_input(
    "ChannelConnection",
    "channel connections",
    ("CREATED_AT", "UPDATED_AT"),
    direction=SortDirection.ASC,
)


@strawberry.input(description="Which SKU mappings to list; all fields must match.")
class ChannelSkuMappingFilterInput:
    connection_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Mappings of this connection."
    )
    channel_sku: str | None = strawberry.field(default=None, description="This channel SKU.")


ChannelSkuMappingSort = sort_input(
    "ChannelSkuMapping", "SKU mappings", ("CREATED_AT", "UPDATED_AT"), direction=SortDirection.ASC
)


@strawberry.input(description="Which channel orders to list; all fields must match.")
class ChannelOrderFilterInput:
    connection_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Orders of this connection."
    )
    status: list[ChannelOrderStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Orders in any of these states."
    )


ChannelOrderSort = sort_input(
    "ChannelOrder", "channel orders", ("CREATED_AT", "UPDATED_AT"), direction=SortDirection.DESC
)
