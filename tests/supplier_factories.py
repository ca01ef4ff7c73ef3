"""Small factories for supplier tests: suppliers, catalog links and reported stock."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select, text

from crossdock.database import make_engine
from domain.orders.models import Order, OrderLine
from domain.orders.status import refresh_status
from domain.suppliers import catalog, stock
from domain.suppliers.assignment import SupplierPick, assign_to_supplier
from domain.suppliers.models import SupplierStock, SupplierStockMovement
from tenants import service
from tenants.models import KeyKind
from tenants.unit_of_work import TenantUnitOfWork
from tests.conftest import TestDatabase
from tests.factories import TenantHandle, make_tenant
from tests.factories_orders import make_product, make_warehouse


def make_supplier(
    db: TestDatabase,
    tenant: TenantHandle,
    code: str = "ACME",
    *,
    acknowledge_within_hours: int | None = None,
    ship_within_hours: int | None = None,
) -> uuid.UUID:
    """A supplier of the tenant's, with an SLA if given, committed."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        supplier = service.create_supplier(uow, code, f"Supplier {code}")
        catalog.set_service_levels(uow, supplier.id, acknowledge_within_hours, ship_within_hours)
        uow.commit()
        return supplier.id


def link(
    db: TestDatabase,
    tenant: TenantHandle,
    supplier_id: uuid.UUID,
    product_id: uuid.UUID,
    available: int | None = None,
    **terms: object,
) -> uuid.UUID:
    """Link a supplier to a product (and report `available` units), committed."""
    fields = {"supplier_sku": "SUP-1", "unit_cost": Decimal("4.50"), "currency": "EUR"} | terms
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        row = catalog.link_product(uow, supplier_id, product_id, fields)
        if available is not None:
            stock.report_available(uow, row, available)
        uow.commit()
        return row.id


def supplier_level(
    db: TestDatabase, supplier_id: uuid.UUID, product_id: uuid.UUID
) -> tuple[int, int]:
    """(on_hand, allocated) of a supplier's stock of a product, read as the owner."""
    engine = make_engine(db.admin_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                select(SupplierStock.on_hand, SupplierStock.allocated).where(
                    SupplierStock.supplier_id == supplier_id,
                    SupplierStock.product_id == product_id,
                )
            ).one()
            return row.on_hand, row.allocated
    finally:
        engine.dispose()


def supplier_stock_matches_log(db: TestDatabase) -> bool:
    """Whether every supplier stock row equals the sums of its movements."""
    engine = make_engine(db.admin_url)
    try:
        with engine.connect() as connection:
            sums = {
                (row.supplier_id, row.product_id): (row[2], row[3])
                for row in connection.execute(
                    select(
                        SupplierStockMovement.supplier_id,
                        SupplierStockMovement.product_id,
                        func.sum(SupplierStockMovement.on_hand_delta),
                        func.sum(SupplierStockMovement.allocated_delta),
                    ).group_by(SupplierStockMovement.supplier_id, SupplierStockMovement.product_id)
                )
            }
            levels = {
                (row.supplier_id, row.product_id): (row.on_hand, row.allocated)
                for row in connection.execute(select(SupplierStock))
            }
            negative = connection.scalar(
                text("SELECT count(*) FROM supplier_stock WHERE on_hand - allocated < 0")
            )
    finally:
        engine.dispose()
    keys = set(levels) | set(sums)
    return negative == 0 and all(levels.get(k, (0, 0)) == sums.get(k, (0, 0)) for k in keys)


def make_supplier_key(db: TestDatabase, tenant: TenantHandle, supplier_id: uuid.UUID) -> str:
    """A supplier key (default scopes) of `supplier_id`, committed; its plaintext."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        created = service.create_api_key(
            uow, name="supplier key", kind=KeyKind.SUPPLIER, supplier_id=supplier_id
        )
        uow.commit()
        return created.plaintext


def route_to_supplier(
    db: TestDatabase, tenant: TenantHandle, order_id: uuid.UUID, supplier_id: uuid.UUID
) -> uuid.UUID | None:
    """Hand every unallocated unit of an order to a supplier, as routing would; the FO id."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        order = uow.get(Order, order_id)
        lines = uow.scalars(uow.select(OrderLine).where(OrderLine.order_id == order_id)).all()
        picks = [SupplierPick(line, line.backordered_quantity) for line in lines]
        fo = assign_to_supplier(uow, order, supplier_id, [p for p in picks if p.quantity])
        refresh_status(uow, order)
        uow.commit()
        return fo.id if fo else None


@dataclass
class DropShip:
    """Northwind: client A's GADGET carried only by supplier ACME (5 available, SLA 24 h / 48 h),
    supplier BOLT carrying nothing, an empty warehouse WH-A; a key for each supplier."""

    tenant: TenantHandle
    acme: uuid.UUID
    bolt: uuid.UUID
    acme_key: str
    bolt_key: str
    product: uuid.UUID
    warehouse: uuid.UUID


def make_drop_ship(db: TestDatabase, name: str = "Northwind") -> DropShip:
    """The drop-ship world, committed."""
    tenant = make_tenant(db, name)
    warehouse = make_warehouse(db, tenant, "WH-A")
    product = make_product(db, tenant, "A", "GADGET")
    acme = make_supplier(db, tenant, "ACME", acknowledge_within_hours=24, ship_within_hours=48)
    bolt = make_supplier(db, tenant, "BOLT")
    link(db, tenant, acme, product, 5, supplier_sku="AC-77")
    return DropShip(
        tenant,
        acme,
        bolt,
        make_supplier_key(db, tenant, acme),
        make_supplier_key(db, tenant, bolt),
        product,
        warehouse,
    )
