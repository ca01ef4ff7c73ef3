"""Inputs of catalog mutations, and the columns each one sets."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay

from api.addresses import AddressInput
from api.money import MoneyInput


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


@strawberry.input(description="Retire a warehouse.")
class ArchiveWarehouseInput:
    id: relay.GlobalID = strawberry.field(description="The warehouse.")


@strawberry.input
class DimensionsInput:
    length_mm: int
    width_mm: int
    height_mm: int


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


@strawberry.input(description="Retire a product.")
class ArchiveProductInput:
    id: relay.GlobalID = strawberry.field(description="The product.")


def _given(input: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {
        name: getattr(input, name) for name in names if getattr(input, name) is not strawberry.UNSET
    }


def _address(address: AddressInput | None) -> dict[str, Any]:
    if address is None:
        return {"address_line1": None}
    place = address.place("address")
    return {"address_line1": place.pop("line1"), "address_line2": place.pop("line2"), **place}


def warehouse_fields(input: CreateWarehouseInput | UpdateWarehouseInput) -> dict[str, Any]:
    """The warehouse columns an input sets."""
    fields = _given(input, ("code", "name", "timezone"))
    if input.address is not strawberry.UNSET:
        fields |= _address(input.address)
    return fields


def product_fields(input: CreateProductInput | UpdateProductInput) -> dict[str, Any]:
    """The product columns an input sets."""
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
