"""The supplier catalog: the provider links suppliers to client products, and sets SLAs."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import exists, select

from domain.catalog.models import SKU_MAX, Product
from domain.catalog.validation import clean_amount, clean_currency, non_negative, positive
from domain.clients import require_provider
from domain.errors import DomainError, DomainErrorCode
from domain.limits import check_quantity
from domain.suppliers.models import SupplierProduct
from persistence.base import new_id, utcnow
from tenants.models import Supplier
from tenants.unit_of_work import TenantUnitOfWork
from tenants.validation import clean_text

MAX_SLA_HOURS = 24 * 90
"""The longest acknowledge or ship deadline a supplier can be given: 90 days."""

LINK_FIELDS: dict[str, Callable[[Any], Any]] = {
    "supplier_sku": lambda v: clean_text(v, "supplierSku", SKU_MAX),
    "unit_cost": lambda v: clean_amount(v, "unitCost.amount"),
    "currency": lambda v: clean_currency(v, "unitCost.currency"),
    "lead_time_days": lambda v: check_quantity(non_negative(v, "leadTimeDays"), "leadTimeDays"),
    "min_quantity": lambda v: check_quantity(positive(v, "minQuantity"), "minQuantity"),
    "active": lambda v: _boolean(v, "active"),
}
LINK_DEFAULTS = {"lead_time_days": 0, "min_quantity": 1, "active": True}


def find_supplier(
    uow: TenantUnitOfWork, supplier_id: uuid.UUID | None, field: str = "supplierId"
) -> Supplier:
    """A supplier the caller can see, or NOT_FOUND on `field`."""
    return uow.get_or_not_found(Supplier, supplier_id, "supplier", field)


def live_supplier(
    uow: TenantUnitOfWork, supplier_id: uuid.UUID | None, field: str = "supplierId"
) -> Supplier:
    """A supplier that is not archived, or NOT_FOUND / ARCHIVED on `field`."""
    supplier = find_supplier(uow, supplier_id, field)
    if supplier.archived_at is not None:
        raise DomainError(DomainErrorCode.ARCHIVED, "The supplier is archived.", field)
    return supplier


def link_product(
    uow: TenantUnitOfWork,
    supplier_id: uuid.UUID,
    product_id: uuid.UUID,
    fields: Mapping[str, Any],
) -> SupplierProduct:
    """Record that a live supplier carries a live product; one link per pair."""
    require_provider(uow.scope)
    live_supplier(uow, supplier_id)
    product = uow.get_or_not_found(Product, product_id, "product", "productId")
    if product.archived_at is not None:
        raise DomainError(DomainErrorCode.ARCHIVED, "The product is archived.", "productId")
    given = {name: fields.get(name, LINK_DEFAULTS.get(name)) for name in LINK_FIELDS}
    values = _clean(given)
    taken = uow.select(SupplierProduct).where(
        SupplierProduct.supplier_id == supplier_id, SupplierProduct.product_id == product_id
    )
    if uow.scalar(select(exists(taken))):
        raise DomainError(
            DomainErrorCode.DUPLICATE,
            "The supplier is linked to this product already; update the link.",
            "productId",
        )
    link = SupplierProduct(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        supplier_id=supplier_id,
        client_id=product.client_id,
        product_id=product_id,
        **values,
    )
    uow.add(link)
    uow.flush()
    return link


def update_link(
    uow: TenantUnitOfWork, link_id: uuid.UUID, changes: Mapping[str, Any]
) -> SupplierProduct:
    """Change some terms of a link (deactivating it stops routing to it)."""
    require_provider(uow.scope)
    link = uow.get_or_not_found(SupplierProduct, link_id, "supplier product")
    for name, value in _clean(changes).items():
        setattr(link, name, value)
    link.updated_at = utcnow()
    uow.flush()
    return link


def set_service_levels(
    uow: TenantUnitOfWork,
    supplier_id: uuid.UUID,
    acknowledge_within_hours: int | None,
    ship_within_hours: int | None,
) -> Supplier:
    """Set a supplier's SLA (None: no deadline); applies to fulfillment orders routed later."""
    require_provider(uow.scope)
    supplier = find_supplier(uow, supplier_id, "id")
    supplier.acknowledge_within_hours = _hours(acknowledge_within_hours, "acknowledgeWithinHours")
    supplier.ship_within_hours = _hours(ship_within_hours, "shipWithinHours")
    supplier.updated_at = utcnow()
    uow.flush()
    return supplier


def archive_supplier(uow: TenantUnitOfWork, supplier_id: uuid.UUID) -> Supplier:
    """Stop routing to a supplier; its open fulfillment orders stay; twice keeps the first."""
    require_provider(uow.scope)
    supplier = find_supplier(uow, supplier_id, "id")
    if supplier.archived_at is None:
        supplier.archived_at = utcnow()
        uow.flush()
    return supplier


def _hours(value: int | None, field: str) -> int | None:
    if value is None:
        return None
    if value <= 0 or value > MAX_SLA_HOURS:
        raise DomainError(
            DomainErrorCode.OUT_OF_RANGE, f"{field} must be 1 to {MAX_SLA_HOURS} hours.", field
        )
    return value


def _boolean(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise DomainError(DomainErrorCode.REQUIRED, f"{field} is required.", field)
    return value


def _clean(given: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(given) - set(LINK_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    return {name: LINK_FIELDS[name](value) for name, value in given.items()}
