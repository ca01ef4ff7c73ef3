"""What the caller may list of the catalog: warehouses and products."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, func, or_

from domain.catalog.models import Product, Warehouse
from tenants.scope import TenantScope


def warehouses(
    scope: TenantScope, *, code: str | None = None, include_archived: bool = False
) -> Select[Any]:
    """Warehouses of the caller's provider, filtered; live ones unless asked."""
    stmt = scope.select(Warehouse)
    if code is not None:
        stmt = stmt.where(Warehouse.code == code.strip())
    return stmt if include_archived else stmt.where(Warehouse.archived_at.is_(None))


def products(
    scope: TenantScope,
    *,
    client_id: uuid.UUID | None = None,
    sku: str | None = None,
    search: str | None = None,
    include_archived: bool = False,
) -> Select[Any]:
    """Products the caller may see, filtered; live ones unless asked.

    `search` matches SKU or name containing it, ignoring case (`%` and `_` match themselves).
    """
    stmt = scope.select(Product)
    if client_id is not None:
        stmt = stmt.where(Product.client_id == client_id)
    if sku is not None:
        stmt = stmt.where(Product.sku == sku.strip())
    term = (search or "").strip()
    if term:
        stmt = stmt.where(
            or_(
                func.lower(Product.sku).contains(term.lower(), autoescape=True),
                func.lower(Product.name).contains(term.lower(), autoescape=True),
            )
        )
    return stmt if include_archived else stmt.where(Product.archived_at.is_(None))
