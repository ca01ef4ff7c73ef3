"""Queries of the supplier side: catalog links, supplier stock movements, fulfillment orders."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.listing import filter_id, read_page
from api.orders.types import FulfillmentOrderType
from api.permissions import requires
from api.relay import Page
from api.suppliers.filters import (
    FulfillmentOrderFilterInput,
    FulfillmentOrderSort,
    SupplierProductFilterInput,
    SupplierProductSort,
    SupplierStockMovementFilterInput,
    SupplierStockMovementSort,
)
from api.suppliers.mutations import Mutation
from api.suppliers.types import SupplierProductType, SupplierStockMovementType
from domain.suppliers import queries
from domain.suppliers.queries import FulfillmentFilter

__all__ = ["Mutation", "Query"]


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[requires("inventory:read")])
    async def supplier_products(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: SupplierProductFilterInput | None = None,
        sort: SupplierProductSort | None = None,
    ) -> relay.Connection[SupplierProductType]:
        """Which supplier carries which product, with its stock (a supplier key: its own)."""
        where = filter or SupplierProductFilterInput()
        supplier, product = (
            filter_id(where.supplier_id, "Supplier"),
            filter_id(where.product_id, "Product"),
        )
        return await read_page(
            info,
            SupplierProductType,
            lambda scope: queries.supplier_products(
                scope, supplier_id=supplier, product_id=product, active=where.active
            ),
            sort or SupplierProductSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[requires("inventory:read")])
    async def supplier_stock_movements(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: SupplierStockMovementFilterInput | None = None,
        sort: SupplierStockMovementSort | None = None,
    ) -> relay.Connection[SupplierStockMovementType]:
        """The supplier stock ledger, newest first (a supplier key: its own)."""
        where = filter or SupplierStockMovementFilterInput()
        supplier, product = (
            filter_id(where.supplier_id, "Supplier"),
            filter_id(where.product_id, "Product"),
        )
        return await read_page(
            info,
            SupplierStockMovementType,
            lambda scope: queries.supplier_movements(
                scope, supplier_id=supplier, product_id=product
            ),
            sort or SupplierStockMovementSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[requires("orders:read")])
    async def fulfillment_orders(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: FulfillmentOrderFilterInput | None = None,
        sort: FulfillmentOrderSort | None = None,
    ) -> relay.Connection[FulfillmentOrderType]:
        """Fulfillment orders the caller may see, newest first: a supplier key's are the ones
        routed to it."""
        where = filter.domain() if filter else FulfillmentFilter()
        return await read_page(
            info,
            FulfillmentOrderType,
            lambda scope: queries.fulfillment_orders(scope, where),
            sort or FulfillmentOrderSort(),
            Page.of(first, after),
        )
