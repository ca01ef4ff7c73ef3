"""Catalog services: the provider's warehouses and the clients' products.

Creates take every field; updates take only the fields that change (a None clears
an optional field). Bad input raises DomainError naming the field; nothing is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import exists, or_, select

from domain.catalog.models import CODE_MAX, NAME_MAX, SKU_MAX, Product, Warehouse
from domain.catalog.validation import (
    clean_amount,
    clean_country,
    clean_currency,
    clean_tags,
    clean_timezone,
    non_negative,
    optional_text,
    positive,
)
from domain.clients import owning_client, require_provider
from domain.errors import DomainError, DomainErrorCode
from domain.inventory.models import InventoryLevel
from persistence.base import new_id, utcnow
from tenants.errors import NotFoundError
from tenants.unit_of_work import TenantUnitOfWork
from tenants.validation import clean_code, clean_text

Cleaners = dict[str, Callable[[Any], Any]]

WAREHOUSE_FIELDS: Cleaners = {
    "code": lambda v: clean_code(v, "code", CODE_MAX),
    "name": lambda v: clean_text(v, "name", NAME_MAX),
    "address_line1": lambda v: clean_text(v, "address.line1", NAME_MAX),
    "address_line2": lambda v: optional_text(v, "address.line2", NAME_MAX),
    "city": lambda v: clean_text(v, "address.city", 100),
    "region": lambda v: optional_text(v, "address.region", 100),
    "postal_code": lambda v: clean_text(v, "address.postalCode", 20),
    "country": lambda v: clean_country(v, "address.country"),
    "timezone": lambda v: clean_timezone(v, "timezone"),
}

PRODUCT_FIELDS: Cleaners = {
    "sku": lambda v: clean_code(v, "sku", SKU_MAX),
    "name": lambda v: clean_text(v, "name", NAME_MAX),
    "barcode": lambda v: optional_text(v, "barcode", 64),
    "weight_grams": lambda v: non_negative(v, "weightGrams"),
    "length_mm": lambda v: None if v is None else positive(v, "dimensions.lengthMm"),
    "width_mm": lambda v: None if v is None else positive(v, "dimensions.widthMm"),
    "height_mm": lambda v: None if v is None else positive(v, "dimensions.heightMm"),
    "declared_value": lambda v: None if v is None else clean_amount(v, "declaredValue.amount"),
    "currency": lambda v: None if v is None else clean_currency(v, "declaredValue.currency"),
    "reorder_point": lambda v: non_negative(v, "reorderPoint"),
    "tags": lambda v: clean_tags(v or [], "tags"),
}
PRODUCT_DEFAULTS: dict[str, Any] = {"weight_grams": 0, "reorder_point": 0, "tags": []}


def find_warehouse(uow: TenantUnitOfWork, warehouse_id: uuid.UUID, field: str = "id") -> Warehouse:
    """A warehouse the caller can see, or NOT_FOUND on `field`."""
    return uow.get_or_not_found(Warehouse, warehouse_id, "warehouse", field)


def find_place_for(
    uow: TenantUnitOfWork, warehouse_id: uuid.UUID, client_id: uuid.UUID, field: str
) -> Warehouse:
    """A warehouse that may hold this client's stock: the provider's, or the client's own
    merchant location; another client's location answers like one that does not exist."""
    warehouse = find_warehouse(uow, warehouse_id, field)
    if warehouse.client_id not in (None, client_id):
        raise NotFoundError("warehouse", field)
    return warehouse


def find_product(uow: TenantUnitOfWork, product_id: uuid.UUID, field: str = "id") -> Product:
    """A product the caller can see, or NOT_FOUND on `field`."""
    return uow.get_or_not_found(Product, product_id, "product", field)


def create_warehouse(uow: TenantUnitOfWork, fields: Mapping[str, Any]) -> Warehouse:
    """A new warehouse of the caller's provider; codes are unique per provider."""
    require_provider(uow.scope)
    values = clean_fields(WAREHOUSE_FIELDS, {name: fields.get(name) for name in WAREHOUSE_FIELDS})
    check_warehouse_code(uow, values["code"])
    warehouse = Warehouse(provider_id=uow.scope.provider_id, id=new_id(), **values)
    uow.add(warehouse)
    uow.flush()
    return warehouse


def update_warehouse(
    uow: TenantUnitOfWork, warehouse_id: uuid.UUID, changes: Mapping[str, Any]
) -> Warehouse:
    """Change some fields of a live warehouse."""
    require_provider(uow.scope)
    warehouse = _live(find_warehouse(uow, warehouse_id), "warehouse")
    values = clean_fields(WAREHOUSE_FIELDS, changes)
    if "code" in values and values["code"] != warehouse.code:
        check_warehouse_code(uow, values["code"])
    for name, value in values.items():
        setattr(warehouse, name, value)
    uow.flush()
    return warehouse


def archive_warehouse(uow: TenantUnitOfWork, warehouse_id: uuid.UUID) -> Warehouse:
    """Retire a warehouse that holds no stock; archiving twice keeps the first time.

    The row is locked FOR UPDATE before the stock is checked: whatever adds stock holds it
    FOR SHARE (:func:`lock_live`), so either the stock is there to see or the adder, once
    it gets the row, finds it archived.
    """
    require_provider(uow.scope)
    warehouse = uow.get_or_not_found(Warehouse, warehouse_id, "warehouse", lock=True)
    if warehouse.archived_at is None:
        _check_no_stock(uow, InventoryLevel.warehouse_id == warehouse.id, "warehouse")
        warehouse.archived_at = utcnow()
        uow.flush()
    return warehouse


def create_product(
    uow: TenantUnitOfWork, client_id: uuid.UUID | None, fields: Mapping[str, Any]
) -> Product:
    """A new product of a client (the caller's own, or one a provider names)."""
    client_id = owning_client(uow, client_id)
    given = {name: fields.get(name, PRODUCT_DEFAULTS.get(name)) for name in PRODUCT_FIELDS}
    values = clean_fields(PRODUCT_FIELDS, given)
    _check_product_pairs(values)
    _check_sku(uow, client_id, values["sku"])
    product = Product(provider_id=uow.scope.provider_id, id=new_id(), client_id=client_id, **values)
    uow.add(product)
    uow.flush()
    return product


def update_product(
    uow: TenantUnitOfWork, product_id: uuid.UUID, changes: Mapping[str, Any]
) -> Product:
    """Change some fields of a live product; dimensions and value stay all-or-none."""
    product = _live(find_product(uow, product_id), "product")
    values = clean_fields(PRODUCT_FIELDS, changes)
    _check_product_pairs({name: getattr(product, name) for name in PRODUCT_FIELDS} | values)
    if "sku" in values and values["sku"] != product.sku:
        _check_sku(uow, product.client_id, values["sku"])
    for name, value in values.items():
        setattr(product, name, value)
    uow.flush()
    return product


def archive_product(uow: TenantUnitOfWork, product_id: uuid.UUID) -> Product:
    """Retire a product with no stock anywhere; archiving twice keeps the first time.

    Locked like :func:`archive_warehouse`, against a concurrent receipt or adjustment.
    """
    product = uow.get_or_not_found(Product, product_id, "product", lock=True)
    if product.archived_at is None:
        _check_no_stock(uow, InventoryLevel.product_id == product.id, "product")
        product.archived_at = utcnow()
        uow.flush()
    return product


def lock_live(
    uow: TenantUnitOfWork,
    products: Mapping[uuid.UUID, str],
    warehouses: Mapping[uuid.UUID, str],
) -> None:
    """Hold products and warehouses that stock is about to be added to (FOR SHARE, until
    commit) and refuse with ARCHIVED, on the field each one is named by, if one is archived.

    Archiving takes the same rows FOR UPDATE, so the two cannot interleave: an archived
    product or warehouse never holds stock. Products first, then warehouses, each by id.
    """
    for model, wanted in ((Product, products), (Warehouse, warehouses)):
        if not wanted:
            continue
        stmt = (
            uow.select(model)
            .where(model.id.in_(sorted(wanted)))
            .order_by(model.id)
            .with_for_update(read=True)
            .execution_options(populate_existing=True)
        )
        for row in uow.scalars(stmt):
            if row.archived_at is not None:
                what = "product" if model is Product else "warehouse"
                raise DomainError(
                    DomainErrorCode.ARCHIVED, f"The {what} is archived.", wanted[row.id]
                )


def clean_fields(cleaners: Cleaners, given: Mapping[str, Any]) -> dict[str, Any]:
    """Each given field through its cleaner (a DomainError names the first bad one)."""
    unknown = set(given) - set(cleaners)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    return {name: cleaners[name](value) for name, value in given.items()}


def _live(row: Any, what: str) -> Any:
    if row.archived_at is not None:
        raise DomainError(DomainErrorCode.ARCHIVED, f"The {what} is archived.", "id")
    return row


def _check_product_pairs(values: Mapping[str, Any]) -> None:
    dimensions = [values.get(name) for name in ("length_mm", "width_mm", "height_mm")]
    if any(d is None for d in dimensions) and any(d is not None for d in dimensions):
        raise DomainError(
            DomainErrorCode.INVALID, "Give all three dimensions, or none.", "dimensions"
        )
    if (values.get("declared_value") is None) != (values.get("currency") is None):
        raise DomainError(
            DomainErrorCode.INVALID,
            "A declared value needs both an amount and a currency.",
            "declaredValue",
        )


def check_warehouse_code(uow: TenantUnitOfWork, code: str) -> None:
    """Refuse a code another warehouse or merchant location of the provider has."""
    taken = uow.scalar(select(exists(uow.select(Warehouse).where(Warehouse.code == code))))
    if taken:
        raise DomainError(
            DomainErrorCode.DUPLICATE, f"A warehouse with code {code!r} exists.", "code"
        )


def _check_sku(uow: TenantUnitOfWork, client_id: uuid.UUID, sku: str) -> None:
    stmt = uow.select(Product).where(Product.client_id == client_id, Product.sku == sku)
    if uow.scalar(select(exists(stmt))):
        raise DomainError(DomainErrorCode.DUPLICATE, f"The client has a product {sku!r}.", "sku")


def _check_no_stock(uow: TenantUnitOfWork, where: Any, what: str) -> None:
    stocked = or_(
        InventoryLevel.on_hand > 0, InventoryLevel.allocated > 0, InventoryLevel.incoming > 0
    )
    if uow.scalar(select(exists(uow.select(InventoryLevel).where(where, stocked)))):
        raise DomainError(
            DomainErrorCode.CONFLICT,
            f"The {what} still holds or expects stock; move or settle it first.",
            "id",
        )
