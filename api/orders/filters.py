"""Filtering and sorting the list of orders."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry import relay

from api.listing import Sort, SortDirection, filter_id
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
        default=None, description="Orders changed at or after this time (for syncing)."
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
        )


@strawberry.enum(description="What orders can be sorted by.")
class OrderSortField(Enum):
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


@strawberry.input(description="How to sort orders; newest first by default.")
class OrderSort(Sort):
    field: OrderSortField = OrderSortField.CREATED_AT
    direction: SortDirection = SortDirection.DESC
