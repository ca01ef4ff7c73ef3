"""Mutations of the catalog, each with its own payload: warehouses and products."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from strawberry.types import Info

from api.catalog.inputs import (
    ArchiveProductInput,
    ArchiveWarehouseInput,
    CreateMerchantLocationInput,
    CreateProductInput,
    CreateWarehouseInput,
    UpdateProductInput,
    UpdateWarehouseInput,
    product_fields,
    warehouse_fields,
)
from api.catalog.types import ProductType, WarehouseType
from api.context import Context
from api.mutations import Payload, decode_id, mutate, optional_id
from api.permissions import requires
from domain.catalog import locations, service
from tenants.unit_of_work import TenantUnitOfWork

_warehouses = requires("catalog:write", provider_only=True)
_products = requires("catalog:write")


@strawberry.type
class WarehouseChangePayload(Payload):
    """What every warehouse mutation answers: the warehouse as it is now."""

    warehouse: WarehouseType | None = strawberry.field(
        default=None, description="The warehouse after the change; null when refused."
    )


@strawberry.type
class CreateWarehousePayload(WarehouseChangePayload):
    pass


@strawberry.type
class UpdateWarehousePayload(WarehouseChangePayload):
    pass


@strawberry.type
class CreateMerchantLocationPayload(WarehouseChangePayload):
    pass


@strawberry.type
class ArchiveWarehousePayload(WarehouseChangePayload):
    pass


@strawberry.type
class ProductChangePayload(Payload):
    """What every product mutation answers: the product as it is now."""

    product: ProductType | None = strawberry.field(
        default=None, description="The product after the change; null when refused."
    )


@strawberry.type
class CreateProductPayload(ProductChangePayload):
    pass


@strawberry.type
class UpdateProductPayload(ProductChangePayload):
    pass


@strawberry.type
class ArchiveProductPayload(ProductChangePayload):
    pass


W = TypeVar("W", bound=WarehouseChangePayload)
P = TypeVar("P", bound=ProductChangePayload)


def _warehouse(kind: type[W]) -> Callable[[Any], W]:
    return lambda row: kind(warehouse=WarehouseType.from_row(row))


def _product(kind: type[P]) -> Callable[[Any], P]:
    return lambda row: kind(product=ProductType.from_row(row))


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[_warehouses])
    async def create_warehouse(
        self, info: Info[Context, None], input: CreateWarehouseInput
    ) -> CreateWarehousePayload:
        """Add a warehouse to the provider."""
        return await mutate(
            info,
            CreateWarehousePayload,
            lambda uow: service.create_warehouse(uow, warehouse_fields(input)),
            _warehouse(CreateWarehousePayload),
        )

    @strawberry.mutation(permission_classes=[_products])
    async def create_merchant_location(
        self, info: Info[Context, None], input: CreateMerchantLocationInput
    ) -> CreateMerchantLocationPayload:
        """Add a client's own premises (a shop, its store room) as a place orders ship from."""

        def work(uow: TenantUnitOfWork) -> Any:
            client_id = optional_id(input.client_id, "Client", "clientId")
            return locations.create_merchant_location(uow, client_id, warehouse_fields(input))

        return await mutate(
            info, CreateMerchantLocationPayload, work, _warehouse(CreateMerchantLocationPayload)
        )

    @strawberry.mutation(permission_classes=[_warehouses])
    async def update_warehouse(
        self, info: Info[Context, None], input: UpdateWarehouseInput
    ) -> UpdateWarehousePayload:
        """Change a warehouse's code, name, address or time zone."""

        def work(uow: TenantUnitOfWork) -> Any:
            warehouse_id = decode_id(input.id, "Warehouse", "id")
            return service.update_warehouse(uow, warehouse_id, warehouse_fields(input))

        return await mutate(info, UpdateWarehousePayload, work, _warehouse(UpdateWarehousePayload))

    @strawberry.mutation(permission_classes=[_warehouses])
    async def archive_warehouse(
        self, info: Info[Context, None], input: ArchiveWarehouseInput
    ) -> ArchiveWarehousePayload:
        """Retire a warehouse that holds and expects no stock."""
        return await mutate(
            info,
            ArchiveWarehousePayload,
            lambda uow: service.archive_warehouse(uow, decode_id(input.id, "Warehouse", "id")),
            _warehouse(ArchiveWarehousePayload),
        )

    @strawberry.mutation(permission_classes=[_products])
    async def create_product(
        self, info: Info[Context, None], input: CreateProductInput
    ) -> CreateProductPayload:
        """Add a product to a client's catalog."""

        def work(uow: TenantUnitOfWork) -> Any:
            client_id = optional_id(input.client_id, "Client", "clientId")
            return service.create_product(uow, client_id, product_fields(input))

        return await mutate(info, CreateProductPayload, work, _product(CreateProductPayload))

    @strawberry.mutation(permission_classes=[_products])
    async def update_product(
        self, info: Info[Context, None], input: UpdateProductInput
    ) -> UpdateProductPayload:
        """Change some fields of a product; null clears an optional field."""

        def work(uow: TenantUnitOfWork) -> Any:
            product_id = decode_id(input.id, "Product", "id")
            return service.update_product(uow, product_id, product_fields(input))

        return await mutate(info, UpdateProductPayload, work, _product(UpdateProductPayload))

    @strawberry.mutation(permission_classes=[_products])
    async def archive_product(
        self, info: Info[Context, None], input: ArchiveProductInput
    ) -> ArchiveProductPayload:
        """Retire a product that has no stock anywhere."""
        return await mutate(
            info,
            ArchiveProductPayload,
            lambda uow: service.archive_product(uow, decode_id(input.id, "Product", "id")),
            _product(ArchiveProductPayload),
        )
