"""Filtering and sorting catalog links, supplier stock movements and fulfillment orders."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.listing import SortDirection, any_of, filter_id, sort_input
from api.orders.types import FulfillmentStatusEnum
from domain.orders.models import FulfillmentStatus
from domain.suppliers.queries import FulfillmentFilter


@strawberry.input(description="Which catalog links to list; all fields must match.")
class SupplierProductFilterInput:
    supplier_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Links of this supplier."
    )
    product_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Links of this product."
    )
    active: bool | None = strawberry.field(
        default=None, description="Only active (true) or inactive (false) links."
    )


SupplierProductSort = sort_input(
    "SupplierProduct",
    "catalog links",
    ("CREATED_AT", "UPDATED_AT", "PRODUCT"),
    direction=SortDirection.ASC,
)


@strawberry.input(description="Which supplier stock movements to list; all fields must match.")
class SupplierStockMovementFilterInput:
    supplier_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Movements of this supplier's stock."
    )
    product_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Movements of this product."
    )


SupplierStockMovementSort = sort_input(
    "SupplierStockMovement",
    "supplier stock movements",
    ("CREATED_AT",),
    direction=SortDirection.DESC,
)


@strawberry.input(description="Which fulfillment orders to list; all fields must match.")
class FulfillmentOrderFilterInput:
    status: list[FulfillmentStatusEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Any of these statuses."
    )
    supplier_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Served by this supplier."
    )
    order_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Shares of this order."
    )
    drop_ship: bool | None = strawberry.field(
        default=None, description="Only suppliers' (true) or only warehouses' (false)."
    )
    overdue: bool | None = strawberry.field(
        default=None, description="Only those the SLA sweep found late (true), or never (false)."
    )

    def domain(self) -> FulfillmentFilter:
        """The domain's filter."""
        return FulfillmentFilter(
            statuses=any_of(self.status, FulfillmentStatus),
            supplier_id=filter_id(self.supplier_id, "Supplier"),
            order_id=filter_id(self.order_id, "Order"),
            drop_ship=self.drop_ship,
            overdue=self.overdue,
        )


FulfillmentOrderSort = sort_input(
    "FulfillmentOrder",
    "fulfillment orders",
    ("CREATED_AT", "UPDATED_AT"),
    direction=SortDirection.DESC,
)
