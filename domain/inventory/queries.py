"""What the caller may list of stock: levels (with low stock), movements, inbound shipments."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import Select

from domain.catalog.models import Product
from domain.inventory.models import (
    InboundShipment,
    InboundStatus,
    InventoryLevel,
    InventoryMovement,
    MovementKind,
)
from tenants.scope import TenantScope


def levels(
    scope: TenantScope,
    *,
    warehouse_id: uuid.UUID | None = None,
    product_id: uuid.UUID | None = None,
    sku: str | None = None,
    low_stock: bool | None = None,
) -> Select[Any]:
    """Levels the caller may see, filtered.

    Low stock means available units (on hand, less allocated and unsellable) below
    the product's reorder point; a reorder point of zero never reports low stock.
    Incoming units do not count: they are not on the shelf yet.
    """
    stmt = scope.select(InventoryLevel)
    if warehouse_id is not None:
        stmt = stmt.where(InventoryLevel.warehouse_id == warehouse_id)
    if product_id is not None:
        stmt = stmt.where(InventoryLevel.product_id == product_id)
    if sku is not None or low_stock is not None:
        stmt = scope.restrict(
            stmt.join(
                Product,
                (Product.provider_id == InventoryLevel.provider_id)
                & (Product.id == InventoryLevel.product_id),
            ),
            Product,
        )
    if sku is not None:
        stmt = stmt.where(Product.sku == sku.strip())
    if low_stock is not None:
        below = _available() < Product.reorder_point
        stmt = stmt.where(below if low_stock else ~below)
    return stmt


def movements(
    scope: TenantScope,
    *,
    product_id: uuid.UUID | None = None,
    warehouse_id: uuid.UUID | None = None,
    kinds: Collection[MovementKind] | None = None,
) -> Select[Any]:
    """Ledger rows the caller may see, filtered."""
    stmt = scope.select(InventoryMovement)
    if product_id is not None:
        stmt = stmt.where(InventoryMovement.product_id == product_id)
    if warehouse_id is not None:
        stmt = stmt.where(InventoryMovement.warehouse_id == warehouse_id)
    if kinds:
        stmt = stmt.where(InventoryMovement.kind.in_(kinds))
    return stmt


def inbound_shipments(
    scope: TenantScope,
    *,
    client_id: uuid.UUID | None = None,
    warehouse_id: uuid.UUID | None = None,
    statuses: Collection[InboundStatus] | None = None,
    reference: str | None = None,
) -> Select[Any]:
    """Inbound shipments the caller may see, filtered."""
    stmt = scope.select(InboundShipment)
    if client_id is not None:
        stmt = stmt.where(InboundShipment.client_id == client_id)
    if warehouse_id is not None:
        stmt = stmt.where(InboundShipment.warehouse_id == warehouse_id)
    if statuses:
        stmt = stmt.where(InboundShipment.status.in_(statuses))
    if reference is not None:
        stmt = stmt.where(InboundShipment.reference == reference.strip())
    return stmt


def _available() -> Any:
    return InventoryLevel.on_hand - InventoryLevel.allocated - InventoryLevel.unsellable
