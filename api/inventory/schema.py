"""Queries of stock: levels, movements and inbound shipments."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.change_feed import CHANGES_AFTER, read_list
from api.context import Context
from api.inventory.filters import (
    InboundShipmentFilterInput,
    InboundShipmentSort,
    InventoryLevelFilterInput,
    InventoryLevelSort,
    InventoryMovementFilterInput,
    InventoryMovementSort,
)
from api.inventory.mutations import Mutation
from api.inventory.types import (
    InboundShipmentType,
    InventoryLevelConnection,
    InventoryLevelType,
    InventoryMovementType,
)
from api.listing import any_of, filter_id, read_page
from api.permissions import requires
from api.relay import Page
from domain.inventory import queries
from domain.inventory.models import InboundStatus, MovementKind


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[requires("inventory:read")])
    async def inventory_levels(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: InventoryLevelFilterInput | None = None,
        sort: InventoryLevelSort | None = None,
        changes_after: Annotated[str | None, strawberry.argument(description=CHANGES_AFTER)] = None,
    ) -> InventoryLevelConnection:
        """Stock per product and warehouse that the caller may see, or the levels changed
        after a change cursor (`changesAfter`), for keeping a copy in sync."""
        where = filter or InventoryLevelFilterInput()
        warehouse = filter_id(where.warehouse_id, "Warehouse")
        product = filter_id(where.product_id, "Product")
        return await read_list(
            info,
            InventoryLevelConnection,
            InventoryLevelType,
            lambda scope: queries.levels(
                scope,
                warehouse_id=warehouse,
                product_id=product,
                sku=where.sku,
                low_stock=where.low_stock,
            ),
            sort,
            InventoryLevelSort(),
            (first, after),
            changes_after,
        )

    @strawberry.field(permission_classes=[requires("inventory:read")])
    async def inventory_movements(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: InventoryMovementFilterInput | None = None,
        sort: InventoryMovementSort | None = None,
    ) -> relay.Connection[InventoryMovementType]:
        """The stock ledger, newest first unless sorted otherwise."""
        where = filter or InventoryMovementFilterInput()
        product = filter_id(where.product_id, "Product")
        warehouse = filter_id(where.warehouse_id, "Warehouse")
        return await read_page(
            info,
            InventoryMovementType,
            lambda scope: queries.movements(
                scope,
                product_id=product,
                warehouse_id=warehouse,
                kinds=any_of(where.kind, MovementKind),
            ),
            sort or InventoryMovementSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[requires("inventory:read")])
    async def inbound_shipments(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: InboundShipmentFilterInput | None = None,
        sort: InboundShipmentSort | None = None,
    ) -> relay.Connection[InboundShipmentType]:
        """Inbound shipments the caller may see, newest first unless sorted otherwise."""
        where = filter or InboundShipmentFilterInput()
        client = filter_id(where.client_id, "Client")
        warehouse = filter_id(where.warehouse_id, "Warehouse")
        return await read_page(
            info,
            InboundShipmentType,
            lambda scope: queries.inbound_shipments(
                scope,
                client_id=client,
                warehouse_id=warehouse,
                statuses=any_of(where.status, InboundStatus),
                reference=where.reference,
            ),
            sort or InboundShipmentSort(),
            Page.of(first, after),
        )


__all__ = ["Mutation", "Query"]
