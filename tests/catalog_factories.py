"""Small factories for warehouses and products, built through the real catalog services."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from domain.catalog import service
from domain.inventory.models import InventoryLevel
from tenants.models import KeyKind
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork
from tests.conftest import TestDatabase
from tests.factories import TenantHandle

R = TypeVar("R")

WAREHOUSE = {
    "code": "BER1",
    "name": "Berlin One",
    "address_line1": "Lagerstrasse 1",
    "city": "Berlin",
    "postal_code": "10115",
    "country": "DE",
    "timezone": "Europe/Berlin",
}


def make_warehouse(
    db: TestDatabase, tenant: TenantHandle, code: str = "BER1", **fields: Any
) -> uuid.UUID:
    """A live warehouse of `tenant`, committed; its id."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        warehouse = service.create_warehouse(uow, WAREHOUSE | {"code": code} | fields)
        uow.commit()
    return warehouse.id


def make_product(
    db: TestDatabase, tenant: TenantHandle, client: str = "A", sku: str = "SKU-1", **fields: Any
) -> uuid.UUID:
    """A live product of one of `tenant`'s clients, committed; its id."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        product = service.create_product(
            uow,
            tenant.clients[client].id,
            {"sku": sku, "name": f"Product {sku}"} | fields,
        )
        uow.commit()
    return product.id


def committed(
    db: TestDatabase, scope: TenantScope, fn: Callable[..., R], *args: Any, **kw: Any
) -> R:
    """`fn(session, scope, *args, **kw)` in one committed unit of work."""
    with TenantUnitOfWork(db.session_factory, scope) as uow:
        result = fn(uow, *args, **kw)
        uow.commit()
    return result


def client_scope(tenant: TenantHandle, client: str = "A") -> TenantScope:
    """What a client key of `tenant` with every client scope may do."""
    return TenantScope(
        provider_id=tenant.provider_id,
        kind=KeyKind.CLIENT,
        scopes=frozenset({"admin"}),
        client_id=tenant.clients[client].id,
        key_prefix=f"test{client}",
    )


def level_of(
    db: TestDatabase, tenant: TenantHandle, product_id: uuid.UUID, warehouse_id: uuid.UUID
) -> dict[str, int] | None:
    """The buckets of one level (None when it does not exist)."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        level = uow.session.scalar(
            tenant.scope.select(InventoryLevel).where(
                InventoryLevel.product_id == product_id, InventoryLevel.warehouse_id == warehouse_id
            )
        )
        if level is None:
            return None
        return {
            "on_hand": level.on_hand,
            "allocated": level.allocated,
            "unsellable": level.unsellable,
            "incoming": level.incoming,
        }
