"""Filtering and sorting the list of orders."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from api.listing import SortDirection, filter_id, sort_input
from api.orders.types import OrderStatusEnum
from domain.orders.queries import OrderFilter


@strawberry.input(description="Which orders to list; all fields must match.")
class OrderFilterInput:
    status: list[OrderStatusEnum] | None = strawberry.field(
        default=None, description="Orders in any of these states."
    )  # type: ignore[valid-type]
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Orders of this client."
    )
    external_reference: str | None = strawberry.field(
        default=None, description="The order with this reference of the client's."
    )
    created_after: datetime | None = strawberry.field(
        default=None, description="Orders created after this time."
    )
    created_before: datetime | None = strawberry.field(
        default=None, description="Orders created before this time."
    )
    updated_since: datetime | None = strawberry.field(
        default=None,
        description="Orders changed at or after this time. For syncing use changesAfter: "
        "a change committed late can be missed by a timestamp.",
    )
    warehouse_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Orders with a fulfillment order at this warehouse."
    )

    def domain(self) -> OrderFilter:
        """The domain's filter."""
        return OrderFilter(
            statuses=tuple(self.status) if self.status else None,
            client_id=filter_id(self.client_id, "Client"),
            external_reference=self.external_reference,
            created_after=self.created_after,
            created_before=self.created_before,
            updated_since=self.updated_since,
            warehouse_id=filter_id(self.warehouse_id, "Warehouse"),
        )


OrderSort = sort_input(
    "Order", "orders", ("CREATED_AT", "UPDATED_AT"), direction=SortDirection.DESC
)
