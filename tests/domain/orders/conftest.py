"""A provider with two warehouses and client A's products, for the order domain tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from tenants.models import KeyKind
from tenants.scope import TenantScope
from tests.conftest import TestDatabase
from tests.factories import TenantHandle, make_tenant
from tests.factories_orders import make_product, make_warehouse, put_stock


@dataclass
class Shop:
    """Northwind with warehouses WH-A and WH-B and client A's SKUs."""

    db: TestDatabase
    tenant: TenantHandle
    warehouses: dict[str, uuid.UUID]
    products: dict[str, uuid.UUID]

    @property
    def provider(self) -> TenantScope:
        return self.tenant.scope

    def client(self, code: str = "A") -> TenantScope:
        return TenantScope(
            provider_id=self.tenant.provider_id,
            kind=KeyKind.CLIENT,
            scopes=frozenset({"orders:read", "orders:write"}),
            client_id=self.tenant.clients[code].id,
            key_prefix=f"test{code}",
        )

    def stock(self, sku: str, warehouse: str, quantity: int) -> None:
        put_stock(
            self.db, self.tenant, "A", self.products[sku], self.warehouses[warehouse], quantity
        )

    def product(self, sku: str, client: str = "A", *, archived: bool = False) -> uuid.UUID:
        self.products[sku] = make_product(self.db, self.tenant, client, sku, archived=archived)
        return self.products[sku]


def open_shop(db: TestDatabase) -> Shop:
    """A fresh shop on `db`."""
    tenant = make_tenant(db)
    warehouses = {code: make_warehouse(db, tenant, code) for code in ("WH-A", "WH-B")}
    shop = Shop(db, tenant, warehouses, {})
    for sku in ("SKU-1", "SKU-2", "SKU-3"):
        shop.product(sku)
    return shop


@pytest.fixture
def shop(database: TestDatabase) -> Shop:
    return open_shop(database)


@pytest.fixture
def pg_shop(postgres_database: TestDatabase) -> Shop:
    return open_shop(postgres_database)
