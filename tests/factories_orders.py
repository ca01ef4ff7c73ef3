"""Small factories for order tests: warehouses, products and stock, straight through the models."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from sqlalchemy import func, select, text

from crossdock.database import make_engine
from domain.addresses import Address
from domain.catalog.models import Product, Warehouse
from domain.inventory import ledger
from domain.inventory.models import InventoryLevel, InventoryMovement, MovementKind
from domain.orders.commands import CreateOrder, LineRequest
from domain.orders.creation import CreatedOrder, create_order
from domain.orders.models import FulfillmentOrder, FulfillmentStatus, Order, OrderLine, OrderStatus
from persistence.base import new_id, utcnow
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork
from tests.conftest import TestDatabase
from tests.factories import TenantHandle, make_tenant

R = TypeVar("R")

ORDER_TABLES = (
    "orders",
    "order_lines",
    "order_holds",
    "fulfillment_orders",
    "fulfillment_order_lines",
    "inventory_movements",
)


def make_warehouse(
    db: TestDatabase, tenant: TenantHandle, code: str, *, archived: bool = False
) -> uuid.UUID:
    """A warehouse of the tenant's, committed."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        warehouse = Warehouse(
            provider_id=tenant.provider_id,
            id=new_id(),
            code=code,
            name=f"Warehouse {code}",
            address_line1="1 Dock Road",
            city="Hamburg",
            postal_code="20457",
            country="DE",
            timezone="Europe/Berlin",
            archived_at=utcnow() if archived else None,
        )
        uow.session.add(warehouse)
        uow.commit()
        return warehouse.id


def make_product(
    db: TestDatabase, tenant: TenantHandle, client: str, sku: str, *, archived: bool = False
) -> uuid.UUID:
    """A product of one of the tenant's clients, committed."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        product = Product(
            provider_id=tenant.provider_id,
            id=new_id(),
            client_id=tenant.clients[client].id,
            sku=sku,
            name=f"Product {sku}",
            archived_at=utcnow() if archived else None,
        )
        uow.session.add(product)
        uow.commit()
        return product.id


def put_stock(
    db: TestDatabase,
    tenant: TenantHandle,
    client: str,
    product_id: uuid.UUID,
    warehouse_id: uuid.UUID,
    quantity: int,
) -> None:
    """Receive `quantity` units on hand, through the ledger, committed."""
    with TenantUnitOfWork(db.session_factory, tenant.scope) as uow:
        level = ledger.ensure_level(uow, tenant.clients[client].id, product_id, warehouse_id)
        ledger.post(uow, level, MovementKind.RECEIPT, on_hand=quantity)
        uow.commit()


ADDRESS = Address(
    name="Ada Lovelace",
    line1="12 St James's Sq",
    city="London",
    postal_code="SW1Y 4JH",
    country="GB",
)


def order_command(
    reference: str = "SO-1",
    lines: tuple[tuple[str, int] | LineRequest, ...] = (("SKU-1", 1),),
    **changes: object,
) -> CreateOrder:
    """A valid create-order command; `changes` replace its fields."""
    command = CreateOrder(
        external_reference=reference,
        ship_to=ADDRESS,
        lines=tuple(
            line if isinstance(line, LineRequest) else LineRequest(*line) for line in lines
        ),
    )
    return replace(command, **changes)  # type: ignore[arg-type]


def place_order(db: TestDatabase, scope: TenantScope, command: CreateOrder) -> CreatedOrder:
    """Create an order in its own unit of work, committed."""
    with TenantUnitOfWork(db.session_factory, scope) as uow:
        created = create_order(uow, command)
        uow.commit()
        return created


def levels_match_ledger(db: TestDatabase) -> bool:
    """Whether every level equals the sums of its movements (read as the owner)."""
    engine = make_engine(db.admin_url)
    try:
        with engine.connect() as connection:
            sums = {
                (row.product_id, row.warehouse_id): tuple(row[2:])
                for row in connection.execute(
                    select(
                        InventoryMovement.product_id,
                        InventoryMovement.warehouse_id,
                        func.sum(InventoryMovement.on_hand_delta),
                        func.sum(InventoryMovement.allocated_delta),
                        func.sum(InventoryMovement.unsellable_delta),
                        func.sum(InventoryMovement.incoming_delta),
                    ).group_by(InventoryMovement.product_id, InventoryMovement.warehouse_id)
                )
            }
            levels = {
                (row.product_id, row.warehouse_id): (
                    row.on_hand,
                    row.allocated,
                    row.unsellable,
                    row.incoming,
                )
                for row in connection.execute(select(InventoryLevel))
            }
            negative = connection.scalar(
                text(
                    "SELECT count(*) FROM inventory_levels WHERE on_hand - allocated - unsellable < 0"
                )
            )
    finally:
        engine.dispose()
    keys = set(levels) | set(sums)
    zero = (0, 0, 0, 0)
    return negative == 0 and all(levels.get(k, zero) == sums.get(k, zero) for k in keys)


def level_of(db: TestDatabase, product_id: uuid.UUID, warehouse_id: uuid.UUID) -> tuple[int, int]:
    """(on_hand, allocated) of one level, read as the owner."""
    engine = make_engine(db.admin_url)
    try:
        with engine.connect() as connection:
            row = connection.execute(
                select(InventoryLevel.on_hand, InventoryLevel.allocated).where(
                    InventoryLevel.product_id == product_id,
                    InventoryLevel.warehouse_id == warehouse_id,
                )
            ).one()
            return row.on_hand, row.allocated
    finally:
        engine.dispose()


def run(db: TestDatabase, scope: TenantScope, fn: Callable[..., R], *args: Any) -> R:
    """`fn(session, scope, *args)` in its own unit of work, committed."""
    with TenantUnitOfWork(db.session_factory, scope) as uow:
        result = fn(uow, *args)
        uow.commit()
        return result


def order_state(db: TestDatabase, provider_id: uuid.UUID, order_id: uuid.UUID) -> OrderState:
    """An order's status, its lines' allocation and its fulfillment orders, read fresh."""
    with TenantUnitOfWork.operator(db.session_factory, provider_id) as uow:
        order = uow.session.scalars(select(Order).where(Order.id == order_id)).one()
        lines = uow.session.scalars(
            select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.line_number)
        ).all()
        fulfillment = uow.session.scalars(
            select(FulfillmentOrder)
            .where(FulfillmentOrder.order_id == order_id)
            .order_by(FulfillmentOrder.created_at, FulfillmentOrder.id)
        ).all()
        return OrderState(
            order.status,
            [line.allocated_quantity for line in lines],
            [(fo.id, fo.status) for fo in fulfillment],
        )


@dataclass(frozen=True)
class OrderState:
    """What a test checks about an order."""

    status: OrderStatus
    allocated: list[int]
    fulfillment: list[tuple[uuid.UUID, FulfillmentStatus]]


@dataclass
class OrderWorld:
    """Northwind (clients A and B, warehouses WH-A and WH-B) with stock of A's SKU-1 and SKU-2."""

    tenant: TenantHandle
    warehouses: dict[str, uuid.UUID]
    products: dict[str, uuid.UUID]


def make_order_world(db: TestDatabase, name: str = "Northwind") -> OrderWorld:
    """Two warehouses, A's SKU-1 (10 in WH-A) and SKU-2 (3 in WH-B), B's SKU-B."""
    tenant = make_tenant(db, name)
    warehouses = {code: make_warehouse(db, tenant, code) for code in ("WH-A", "WH-B")}
    products = {
        "SKU-1": make_product(db, tenant, "A", "SKU-1"),
        "SKU-2": make_product(db, tenant, "A", "SKU-2"),
        "SKU-B": make_product(db, tenant, "B", "SKU-B"),
    }
    put_stock(db, tenant, "A", products["SKU-1"], warehouses["WH-A"], 10)
    put_stock(db, tenant, "A", products["SKU-2"], warehouses["WH-B"], 3)
    put_stock(db, tenant, "B", products["SKU-B"], warehouses["WH-A"], 10)
    return OrderWorld(tenant, warehouses, products)


def order_input(reference: str = "SO-1", lines=(("SKU-1", 2),), **changes: Any) -> dict[str, Any]:
    """A createOrder input as GraphQL variables; `changes` replace top-level fields."""
    value: dict[str, Any] = {
        "externalReference": reference,
        "shipTo": {
            "name": "Ada Lovelace",
            "line1": "12 St James's Sq",
            "city": "London",
            "postalCode": "SW1Y 4JH",
            "country": "GB",
        },
        "lines": [{"sku": sku, "quantity": quantity} for sku, quantity in lines],
    }
    value.update(changes)
    return value
