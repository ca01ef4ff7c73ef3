"""Inputs of catalog mutations, and the columns each one sets."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay

from api.addresses import AddressInput
from api.money import MoneyInput


@strawberry.input(description="Add a warehouse.")
class CreateWarehouseInput:
    code: str = strawberry.field(description="Short code, unique within the provider.")
    name: str = strawberry.field(description="The warehouse's name as people know it.")
    address: AddressInput = strawberry.field(
        description="Where the warehouse is; no name, company, phone or email."
    )
    timezone: str = strawberry.field(description="IANA time zone, e.g. Europe/Berlin.")


@strawberry.input(description="Add a client's own premises as a place to ship from.")
class CreateMerchantLocationInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for provider keys; a client key adds its own."
    )
    code: str = strawberry.field(description="Short code, unique within the provider.")
    name: str = strawberry.field(description="The location's name as people know it.")
    address: AddressInput = strawberry.field(
        description="Where it is; no name, company, phone or email."
    )
    timezone: str = strawberry.field(description="IANA time zone, e.g. Europe/Berlin.")


@strawberry.input(description="Change a warehouse; fields left out stay as they are.")
class UpdateWarehouseInput:
    id: relay.GlobalID = strawberry.field(description="The warehouse.")
    code: str | None = strawberry.field(default=strawberry.UNSET, description="A new code.")
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A new name.")
    address: AddressInput | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the whole address."
    )
    timezone: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new IANA time zone."
    )


@strawberry.input(description="Retire a warehouse.")
class ArchiveWarehouseInput:
    id: relay.GlobalID = strawberry.field(description="The warehouse.")


@strawberry.input(description="Outer dimensions in millimetres.")
class DimensionsInput:
    length_mm: int = strawberry.field(description="Length in millimetres.")
    width_mm: int = strawberry.field(description="Width in millimetres.")
    height_mm: int = strawberry.field(description="Height in millimetres.")


@strawberry.input(description="Add a product to a client's catalog.")
class CreateProductInput:
    client_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Required for provider keys; a client key owns its products."
    )
    sku: str = strawberry.field(description="Unique within the client.")
    name: str = strawberry.field(description="The product's name as people know it.")
    barcode: str | None = strawberry.field(
        default=None, description="EAN, UPC or the client's own barcode."
    )
    weight_grams: int = strawberry.field(
        default=0, description="Weight of one unit, packed, in grams."
    )
    dimensions: DimensionsInput | None = strawberry.field(
        default=None, description="Outer dimensions of one unit."
    )
    declared_value: MoneyInput | None = strawberry.field(
        default=None, description="Customs and insurance value of one unit."
    )
    reorder_point: int = strawberry.field(
        default=0, description="Below this many available units, stock is low."
    )
    tags: list[str] = strawberry.field(
        default_factory=list, description="Labels routing rules can match on (e.g. fragile)."
    )


@strawberry.input(description="Change a product; fields left out stay as they are.")
class UpdateProductInput:
    id: relay.GlobalID = strawberry.field(description="The product.")
    sku: str | None = strawberry.field(
        default=strawberry.UNSET, description="A new SKU, unique within the client."
    )
    name: str | None = strawberry.field(default=strawberry.UNSET, description="A new name.")
    barcode: str | None = strawberry.field(default=strawberry.UNSET, description="null clears.")
    weight_grams: int | None = strawberry.field(
        default=strawberry.UNSET, description="A new weight in grams."
    )
    dimensions: DimensionsInput | None = strawberry.field(
        default=strawberry.UNSET, description="null clears."
    )
    declared_value: MoneyInput | None = strawberry.field(
        default=strawberry.UNSET, description="null clears."
    )
    reorder_point: int | None = strawberry.field(
        default=strawberry.UNSET, description="A new reorder point."
    )
    tags: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="Replaces the labels; null clears them."
    )


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


def warehouse_fields(
    input: CreateWarehouseInput | UpdateWarehouseInput | CreateMerchantLocationInput,
) -> dict[str, Any]:
    """The warehouse columns an input sets."""
    fields = _given(input, ("code", "name", "timezone"))
    if input.address is not strawberry.UNSET:
        fields |= _address(input.address)
    return fields


def product_fields(input: CreateProductInput | UpdateProductInput) -> dict[str, Any]:
    """The product columns an input sets."""
    fields = _given(input, ("sku", "name", "barcode", "weight_grams", "reorder_point", "tags"))
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
