"""Queries and mutations of the catalog: warehouses and products."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.catalog.types import ProductType, WarehouseType
from api.context import Context
from api.listing import filter_id, read_page
from api.mutations import Payload, decode_id, mutate, optional_id
from api.permissions import requires
from api.relay import Page
from domain.catalog import queries, service
from tenants.unit_of_work import TenantUnitOfWork


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[requires("catalog:read")])
    async def warehouses(
        self,
        info: Info[Context, None],
        include_archived: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[WarehouseType]:
        """The provider's warehouses, by code."""
        return await read_page(
            info,
            WarehouseType,
            lambda scope: queries.warehouses(scope, include_archived=include_archived),
            ("code",),
            Page.of(first, after),
        )

    @strawberry.field(permission_classes=[requires("catalog:read")])
    async def products(
        self,
        info: Info[Context, None],
        client_id: relay.GlobalID | None = None,
        sku: str | None = None,
        include_archived: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[ProductType]:
        """Products the caller may see (a client key: its own), by SKU."""
        client = filter_id(client_id, "Client")
        return await read_page(
            info,
            ProductType,
            lambda scope: queries.products(
                scope, client_id=client, sku=sku, include_archived=include_archived
            ),
            ("sku", "id"),
            Page.of(first, after),
        )


@strawberry.input
class AddressInput:
    line1: str
    line2: str | None = None
    city: str
    region: str | None = None
    postal_code: str
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 code.")


@strawberry.input
class CreateWarehouseInput:
    code: str = strawberry.field(description="Short code, unique within the provider.")
    name: str
    address: AddressInput
    timezone: str = strawberry.field(description="IANA time zone, e.g. Europe/Berlin.")


@strawberry.input
class UpdateWarehouseInput:
    id: relay.GlobalID
    code: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    address: AddressInput | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the whole address."
    )
    timezone: str | None = strawberry.UNSET


@strawberry.input
class ArchiveInput:
    id: relay.GlobalID


@strawberry.type
class WarehousePayload(Payload):
    warehouse: WarehouseType | None = None


@strawberry.input
class DimensionsInput:
    length_mm: int
    width_mm: int
    height_mm: int


@strawberry.input
class MoneyInput:
    amount: Decimal
    currency: str = strawberry.field(description="ISO 4217 code.")


@strawberry.input
class CreateProductInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for provider keys; a client key owns its products."
    )
    sku: str = strawberry.field(description="Unique within the client.")
    name: str
    barcode: str | None = None
    weight_grams: int = 0
    dimensions: DimensionsInput | None = None
    declared_value: MoneyInput | None = None
    reorder_point: int = 0


@strawberry.input
class UpdateProductInput:
    id: relay.GlobalID
    sku: str | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    barcode: str | None = strawberry.field(default=strawberry.UNSET, description="null clears.")
    weight_grams: int | None = strawberry.UNSET
    dimensions: DimensionsInput | None = strawberry.field(
        default=strawberry.UNSET, description="null clears."
    )
    declared_value: MoneyInput | None = strawberry.field(
        default=strawberry.UNSET, description="null clears."
    )
    reorder_point: int | None = strawberry.UNSET


@strawberry.type
class ProductPayload(Payload):
    product: ProductType | None = None


def _given(input: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {
        name: getattr(input, name) for name in names if getattr(input, name) is not strawberry.UNSET
    }


def _address(address: AddressInput | None) -> dict[str, Any]:
    if address is None:
        return {"address_line1": None}
    return {
        "address_line1": address.line1,
        "address_line2": address.line2,
        "city": address.city,
        "region": address.region,
        "postal_code": address.postal_code,
        "country": address.country,
    }


def _warehouse_fields(input: CreateWarehouseInput | UpdateWarehouseInput) -> dict[str, Any]:
    fields = _given(input, ("code", "name", "timezone"))
    if input.address is not strawberry.UNSET:
        fields |= _address(input.address)
    return fields


def _product_fields(input: CreateProductInput | UpdateProductInput) -> dict[str, Any]:
    fields = _given(input, ("sku", "name", "barcode", "weight_grams", "reorder_point"))
    if input.dimensions is not strawberry.UNSET:
        d = input.dimensions
        fields |= {
            "length_mm": d.length_mm if d else None,
            "width_mm": d.width_mm if d else None,
            "height_mm": d.height_mm if d else None,
        }
    if input.declared_value is not strawberry.UNSET:
        money = input.declared_value
        fields |= {
            "declared_value": money.amount if money else None,
            "currency": money.currency if money else None,
        }
    return fields


def _warehouse_payload(row: Any) -> WarehousePayload:
    return WarehousePayload(warehouse=WarehouseType.from_row(row))


def _product_payload(row: Any) -> ProductPayload:
    return ProductPayload(product=ProductType.from_row(row))


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[requires("catalog:write", provider_only=True)])
    async def create_warehouse(
        self, info: Info[Context, None], input: CreateWarehouseInput
    ) -> WarehousePayload:
        """Add a warehouse to the provider."""
        return await mutate(
            info,
            WarehousePayload,
            lambda uow: service.create_warehouse(uow, _warehouse_fields(input)),
            _warehouse_payload,
        )

    @strawberry.mutation(permission_classes=[requires("catalog:write", provider_only=True)])
    async def update_warehouse(
        self, info: Info[Context, None], input: UpdateWarehouseInput
    ) -> WarehousePayload:
        """Change a warehouse's code, name, address or time zone."""

        def work(uow: TenantUnitOfWork) -> Any:
            warehouse_id = decode_id(input.id, "Warehouse", "id")
            return service.update_warehouse(uow, warehouse_id, _warehouse_fields(input))

        return await mutate(info, WarehousePayload, work, _warehouse_payload)

    @strawberry.mutation(permission_classes=[requires("catalog:write", provider_only=True)])
    async def archive_warehouse(
        self, info: Info[Context, None], input: ArchiveInput
    ) -> WarehousePayload:
        """Retire a warehouse that holds and expects no stock."""
        return await mutate(
            info,
            WarehousePayload,
            lambda uow: service.archive_warehouse(uow, decode_id(input.id, "Warehouse", "id")),
            _warehouse_payload,
        )

    @strawberry.mutation(permission_classes=[requires("catalog:write")])
    async def create_product(
        self, info: Info[Context, None], input: CreateProductInput
    ) -> ProductPayload:
        """Add a product to a client's catalog."""

        def work(uow: TenantUnitOfWork) -> Any:
            client_id = optional_id(input.client_id, "Client", "clientId")
            return service.create_product(uow, client_id, _product_fields(input))

        return await mutate(info, ProductPayload, work, _product_payload)

    @strawberry.mutation(permission_classes=[requires("catalog:write")])
    async def update_product(
        self, info: Info[Context, None], input: UpdateProductInput
    ) -> ProductPayload:
        """Change some fields of a product; null clears an optional field."""

        def work(uow: TenantUnitOfWork) -> Any:
            product_id = decode_id(input.id, "Product", "id")
            return service.update_product(uow, product_id, _product_fields(input))

        return await mutate(info, ProductPayload, work, _product_payload)

    @strawberry.mutation(permission_classes=[requires("catalog:write")])
    async def archive_product(
        self, info: Info[Context, None], input: ArchiveInput
    ) -> ProductPayload:
        """Retire a product that has no stock anywhere."""
        return await mutate(
            info,
            ProductPayload,
            lambda uow: service.archive_product(uow, decode_id(input.id, "Product", "id")),
            _product_payload,
        )
