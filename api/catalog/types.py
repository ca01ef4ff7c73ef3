"""GraphQL types of the catalog."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.addresses import Address
from api.context import Context
from api.descriptions import described_enum
from api.money import Money
from api.relay import RowNode, by_id
from api.tenants.types import ClientType
from domain.catalog.models import Product, Warehouse, WarehouseKind
from tenants.models import Client

WarehouseKindEnum = described_enum(
    WarehouseKind,
    name="WarehouseKind",
    description="Whose premises a warehouse is.",
    values={
        WarehouseKind.WAREHOUSE: "The provider's (the 3PL's) building.",
        WarehouseKind.MERCHANT_LOCATION: (
            "A client's own premises; the client fulfils what is routed there by hand."
        ),
    },
)


@strawberry.type(name="Warehouse")
class WarehouseType(RowNode):
    """A place stock is kept and orders ship from: the provider's, or a client's own."""

    __model__ = Warehouse
    serves_rows = True
    id: relay.NodeID[str]
    kind: WarehouseKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="The provider's warehouse, or a client's own merchant location."
    )
    code: str = strawberry.field(description="Short code, unique within the provider.")
    name: str = strawberry.field(description="The warehouse's name as people read it.")
    timezone: str = strawberry.field(description="IANA time zone, e.g. Europe/Berlin.")
    archived_at: datetime | None = strawberry.field(
        description="When it was retired; null while in use."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    address_line1: strawberry.Private[str]
    address_line2: strawberry.Private[str | None]
    city: strawberry.Private[str]
    region: strawberry.Private[str | None]
    postal_code: strawberry.Private[str]
    country: strawberry.Private[str]
    client_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType | None:
        """The client owning a merchant location; null for the provider's warehouses."""
        if self.client_id is None:
            return None
        row = await by_id(info.context, Client).load(self.client_id)
        return ClientType.from_row(row) if row else None

    @strawberry.field
    def address(self) -> Address:
        """Where the warehouse is."""
        return Address(
            name=None,
            company=None,
            line1=self.address_line1,
            line2=self.address_line2,
            city=self.city,
            region=self.region,
            postal_code=self.postal_code,
            country=self.country,
            phone=None,
            email=None,
        )


@strawberry.type
class Dimensions:
    """Outer dimensions in millimetres."""

    length_mm: int = strawberry.field(description="Length in millimetres.")
    width_mm: int = strawberry.field(description="Width in millimetres.")
    height_mm: int = strawberry.field(description="Height in millimetres.")


@strawberry.type(name="Product")
class ProductType(RowNode):
    """A client's stock-keeping unit."""

    __model__ = Product
    serves_rows = True
    id: relay.NodeID[str]
    sku: str = strawberry.field(description="Stock-keeping unit, unique per client.")
    name: str = strawberry.field(description="The product's name as people read it.")
    barcode: str | None = strawberry.field(description="GTIN, UPC or EAN, if known.")
    weight_grams: int = strawberry.field(description="Shipping weight of one unit in grams.")
    reorder_point: int = strawberry.field(
        description="Available units below which its stock counts as low."
    )
    archived_at: datetime | None = strawberry.field(
        description="When it was retired; null while in use."
    )
    created_at: datetime = strawberry.field(description="When it was created.")
    updated_at: datetime = strawberry.field(description="When it last changed.")
    tags: list[str] = strawberry.field(description="Labels routing rules can match on.")
    client_id: strawberry.Private[uuid.UUID]
    length_mm: strawberry.Private[int | None]
    width_mm: strawberry.Private[int | None]
    height_mm: strawberry.Private[int | None]
    declared_value: strawberry.Private[Decimal | None]
    currency: strawberry.Private[str | None]

    @strawberry.field
    def dimensions(self) -> Dimensions | None:
        """Outer dimensions, when known."""
        if self.length_mm is None or self.width_mm is None or self.height_mm is None:
            return None
        return Dimensions(
            length_mm=self.length_mm, width_mm=self.width_mm, height_mm=self.height_mm
        )

    @strawberry.field(name="declaredValue")
    def declared_value_money(self) -> Money | None:
        """Customs and insurance value of one unit."""
        return Money.of(self.declared_value, self.currency)

    @strawberry.field
    async def client(self, info: Info[Context, None]) -> ClientType:
        """The client that owns the product."""
        return ClientType.from_row(await by_id(info.context, Client).load(self.client_id))
