"""Queries of the catalog: warehouses and products, listed and looked up."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.catalog.filters import (
    ProductFilterInput,
    ProductSort,
    WarehouseFilterInput,
    WarehouseSort,
)
from api.catalog.mutations import Mutation
from api.catalog.types import ProductType, WarehouseType
from api.context import Context
from api.errors import PublicError
from api.listing import filter_id, read_page
from api.permissions import requires
from api.relay import Page, by_id
from domain.catalog import queries
from domain.catalog.models import Product
from tenants.unit_of_work import TenantUnitOfWork

SEARCH_MAX = 100
"""The longest product search text."""


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[requires("catalog:read")])
    async def warehouses(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: WarehouseFilterInput | None = None,
        sort: WarehouseSort | None = None,
    ) -> relay.Connection[WarehouseType]:
        """The provider's warehouses, by code unless sorted otherwise."""
        where = filter or WarehouseFilterInput()
        return await read_page(
            info,
            WarehouseType,
            lambda scope: queries.warehouses(
                scope, code=where.code, include_archived=where.include_archived
            ),
            sort or WarehouseSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[requires("catalog:read")])
    async def products(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: ProductFilterInput | None = None,
        sort: ProductSort | None = None,
    ) -> relay.Connection[ProductType]:
        """Products the caller may see (a client key: its own), by SKU unless sorted otherwise."""
        where = filter or ProductFilterInput()
        if where.search is not None and len(where.search) > SEARCH_MAX:
            raise PublicError("BAD_USER_INPUT", f"search is at most {SEARCH_MAX} characters.")
        client = filter_id(where.client_id, "Client")
        return await read_page(
            info,
            ProductType,
            lambda scope: queries.products(
                scope,
                client_id=client,
                sku=where.sku,
                search=where.search,
                include_archived=where.include_archived,
            ),
            sort or ProductSort(),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[requires("catalog:read")])
    async def product(
        self,
        info: Info[Context, None],
        id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="The product.")
        ] = None,
        sku: Annotated[str | None, strawberry.argument(description="The client's SKU.")] = None,
        client_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="The client whose SKU it is.")
        ] = None,
    ) -> ProductType | None:
        """One product by id, or by SKU; null when it is not the caller's.

        With `sku`, a provider key names the client in `clientId` unless only one of its
        clients has that SKU; a client key always looks in its own catalog. Archived
        products are found too.
        """
        if (id is None) == (sku is None):
            raise PublicError("BAD_USER_INPUT", "Give either id or sku.")
        if id is not None:
            row = await by_id(info.context, Product).load(filter_id(id, "Product"))
            return ProductType.from_row(row) if row else None
        client = filter_id(client_id, "Client")
        rows = await info.context.read(_first_two, client, sku)
        if len(rows) > 1:
            raise PublicError("BAD_USER_INPUT", "Several clients use this SKU; give clientId.")
        return ProductType.from_row(rows[0]) if rows else None


def _first_two(uow: TenantUnitOfWork, client_id: uuid.UUID | None, sku: str) -> list[Product]:
    stmt = queries.products(uow.scope, client_id=client_id, sku=sku, include_archived=True)
    return list(uow.scalars(stmt.limit(2)))


__all__ = ["Mutation", "Query"]
