"""A realistic PostgreSQL data set for benchmarks: clients, products, stock and orders."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from adapters.secrets import FernetSecretBox
from crossdock.database import make_engine, make_session_factory
from crossdock.migrate import upgrade
from domain.catalog.models import Product, Warehouse
from domain.inventory.models import InventoryLevel, InventoryMovement, MovementKind
from domain.orders.models import (
    FulfillmentOrder,
    FulfillmentOrderLine,
    FulfillmentStatus,
    Order,
    OrderLine,
    OrderStatus,
)
from persistence.base import new_id
from persistence.rls import APP_ROLE
from persistence.sealed import use_secret_box
from persistence.unit_of_work import UnitOfWork
from tenants import service
from tenants.models import KeyKind
from tenants.unit_of_work import TenantUnitOfWork

APP_LOGIN_ROLE = "crossdock_bench_app"
BATCH = 5_000
FIRST_ORDER_AT = datetime(2026, 1, 1, tzinfo=UTC)
"""When order number 0 was created; order n came n minutes later (growth adds negative n)."""


BENCH_SECRET_KEY = "e2Jygnd81almYf-mOc2bkz9IgHaDJv9s4zDCAZHcQ7M="
"""Seals stored secrets in benchmark runs, in this process and in the servers it starts."""


@dataclass
class BenchDatabase:
    """A migrated benchmark database: owner URL, application-role URL."""

    admin_url: str
    app_url: str
    name: str
    server_url: str

    def env(self) -> dict[str, str]:
        """What a server or worker process needs to use this database."""
        return {"CROSSDOCK_DATABASE_URL": self.app_url, "CROSSDOCK_SECRET_KEYS": BENCH_SECRET_KEY}

    def drop(self) -> None:
        """Remove the database."""
        engine = create_engine(_psycopg(self.server_url), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"))
        engine.dispose()


@dataclass
class Seeded:
    """What the seed made and the keys to reach it."""

    provider_id: uuid.UUID
    provider_key: str
    client_ids: list[uuid.UUID]
    client_keys: list[str]
    skus: dict[uuid.UUID, list[str]] = field(default_factory=dict)


def create_database(server_url: str, name: str = "crossdock_bench") -> BenchDatabase:
    """A fresh, migrated database on the server, with a login role for the application."""
    engine = create_engine(_psycopg(server_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin = make_url(_psycopg(server_url)).set(database=name)
    upgrade(admin.render_as_string(hide_password=False))
    with engine.connect() as connection:
        if not connection.scalar(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": APP_LOGIN_ROLE}
        ):
            connection.execute(text(f"CREATE ROLE {APP_LOGIN_ROLE} LOGIN IN ROLE {APP_ROLE}"))
    engine.dispose()
    use_secret_box(FernetSecretBox([BENCH_SECRET_KEY]))
    app = admin.set(username=APP_LOGIN_ROLE, password=None)
    return BenchDatabase(
        admin_url=admin.render_as_string(hide_password=False),
        app_url=app.render_as_string(hide_password=False),
        name=name,
        server_url=server_url,
    )


def seed(
    database: BenchDatabase, *, clients: int, products: int, orders: int, seed_value: int = 7
) -> Seeded:
    """Fill the database: stock in two warehouses, orders of three lines, allocated and split."""
    rng = random.Random(seed_value)
    engine = make_engine(database.admin_url)
    factory = make_session_factory(engine)
    with UnitOfWork(factory) as uow:
        provider, key = service.create_provider(uow, "Bench Logistics")
        uow.commit()
    seeded = Seeded(provider.id, key.plaintext, [], [])
    with TenantUnitOfWork.operator(factory, provider.id) as uow:
        for number in range(clients):
            client = service.create_client(uow, f"C{number:03d}", f"Client {number}")
            client_key = service.create_api_key(
                uow, name="bench", kind=KeyKind.CLIENT, client_id=client.id
            )
            seeded.client_ids.append(client.id)
            seeded.client_keys.append(client_key.plaintext)
        warehouses = [_warehouse(provider.id, code) for code in ("EAST", "WEST")]
        uow.session.execute(insert(Warehouse), warehouses)
        product_rows = _products(provider.id, seeded, products)
        _bulk(uow.session, Product, product_rows)
        _bulk(uow.session, InventoryLevel, _levels(provider.id, product_rows, warehouses))
        _bulk(uow.session, InventoryMovement, _receipts(provider.id, product_rows, warehouses))
        _orders(uow.session, rng, provider.id, product_rows, warehouses, orders)
        uow.commit()
    with engine.connect() as connection:  # fresh planner statistics, as autovacuum would give
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    engine.dispose()
    return seeded


def grow(database: BenchDatabase, seeded: Seeded, more: int, *, older_than: int = 0) -> None:
    """Add `more` orders older than every order numbered from `older_than` up: the newest
    page (what the orders page shows) stays the same while the table grows."""
    engine = make_engine(database.admin_url)
    factory = make_session_factory(engine)
    rng = random.Random(older_than)
    with TenantUnitOfWork.operator(factory, seeded.provider_id) as uow:
        session = uow.session
        products = [
            {"id": p.id, "client_id": p.client_id, "sku": p.sku}
            for p in session.execute(select(Product.id, Product.client_id, Product.sku))
        ]
        warehouses = [
            {"id": w} for w in session.scalars(select(Warehouse.id).order_by(Warehouse.code))
        ]
        _orders(session, rng, seeded.provider_id, products, warehouses, more, older_than - more)
        uow.commit()
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    engine.dispose()


def _orders(
    session: Session,
    rng: random.Random,
    provider_id: uuid.UUID,
    products: list[dict],
    warehouses: list[dict],
    count: int,
    first: int = 0,
) -> None:
    """`count` orders numbered from `first`, a minute apart; lower numbers are older."""
    by_client: dict[uuid.UUID, list[dict]] = {}
    for product in products:
        by_client.setdefault(product["client_id"], []).append(product)
    clients = list(by_client)
    orders, lines, fulfillments, fulfillment_lines = [], [], [], []
    for number in range(first, first + count):
        client_id = clients[number % len(clients)]
        created = FIRST_ORDER_AT + timedelta(seconds=number * 60)
        order_id = new_id()
        warehouse = warehouses[number % 2]
        orders.append(_order(provider_id, client_id, order_id, number, created))
        fulfillment_id = new_id()
        fulfillments.append(
            {
                "provider_id": provider_id,
                "id": fulfillment_id,
                "client_id": client_id,
                "order_id": order_id,
                "warehouse_id": warehouse["id"],
                "status": FulfillmentStatus.ALLOCATED,
                "created_at": created,
                "updated_at": created,
            }
        )
        for line_number, product in enumerate(rng.sample(by_client[client_id], 3), start=1):
            quantity = rng.randint(1, 3)
            line_id = new_id()
            lines.append(
                {
                    "provider_id": provider_id,
                    "id": line_id,
                    "client_id": client_id,
                    "order_id": order_id,
                    "line_number": line_number,
                    "product_id": product["id"],
                    "sku": product["sku"],
                    "quantity": quantity,
                    "allocated_quantity": quantity,
                }
            )
            fulfillment_lines.append(
                {
                    "provider_id": provider_id,
                    "id": new_id(),
                    "client_id": client_id,
                    "fulfillment_order_id": fulfillment_id,
                    "order_line_id": line_id,
                    "product_id": product["id"],
                    "quantity": quantity,
                }
            )
        if len(orders) >= BATCH:
            _flush_orders(session, orders, lines, fulfillments, fulfillment_lines)
    _flush_orders(session, orders, lines, fulfillments, fulfillment_lines)


def _flush_orders(session: Session, *batches: list[dict]) -> None:
    for model, rows in zip(
        (Order, OrderLine, FulfillmentOrder, FulfillmentOrderLine), batches, strict=True
    ):
        if rows:
            copy_rows(session, model, rows)
            rows.clear()


def copy_rows(session: Session, model: type, rows: list[dict]) -> None:
    """Insert `rows` (dicts with the same keys) with PostgreSQL's COPY: ~10x an INSERT's speed.

    Values go through the columns' own bind processing (enums, UUIDs, times), as an INSERT's
    would; columns left out of the dicts take their server defaults.
    """
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect
    names = list(rows[0])
    processors = [table.c[name].type.bind_processor(dialect) for name in names]
    columns = ", ".join(f'"{name}"' for name in names)
    cursor = session.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]
    with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [
                    process(row[name]) if process else row[name]
                    for name, process in zip(names, processors, strict=True)
                ]
            )


def _order(
    provider_id: uuid.UUID,
    client_id: uuid.UUID,
    order_id: uuid.UUID,
    number: int,
    created: datetime,
) -> dict:
    return {
        "provider_id": provider_id,
        "id": order_id,
        "client_id": client_id,
        "external_reference": f"SO-{number:07d}",
        "content_hash": "0" * 64,
        "status": OrderStatus.ALLOCATED,
        "service_level": "standard",
        "ship_to_name": "Jo Doe",
        "ship_to_company": None,
        "ship_to_line1": "1 Main St",
        "ship_to_line2": None,
        "ship_to_city": "Springfield",
        "ship_to_region": "IL",
        "ship_to_postal_code": "62701",
        "ship_to_country": "US",
        "ship_to_phone": None,
        "ship_to_email": None,
        "created_by": "bench",
        "cancelled_at": None,
        "created_at": created,
        "updated_at": created,
    }


def _warehouse(provider_id: uuid.UUID, code: str) -> dict:
    return {
        "provider_id": provider_id,
        "id": new_id(),
        "code": code,
        "name": f"{code} DC",
        "address_line1": "1 Dock Rd",
        "address_line2": None,
        "city": "Reno",
        "region": "NV",
        "postal_code": "89501",
        "country": "US",
        "timezone": "America/Los_Angeles",
        "archived_at": None,
    }


def _products(provider_id: uuid.UUID, seeded: Seeded, count: int) -> list[dict]:
    rows = []
    for number in range(count):
        client_id = seeded.client_ids[number % len(seeded.client_ids)]
        sku = f"SKU-{number:05d}"
        seeded.skus.setdefault(client_id, []).append(sku)
        rows.append(
            {
                "provider_id": provider_id,
                "id": new_id(),
                "client_id": client_id,
                "sku": sku,
                "name": f"Product {number}",
                "barcode": None,
                "weight_grams": 500,
                "length_mm": 200,
                "width_mm": 150,
                "height_mm": 100,
                "declared_value": None,
                "currency": None,
                "reorder_point": 10,
                "archived_at": None,
            }
        )
    return rows


def _levels(provider_id: uuid.UUID, products: list[dict], warehouses: list[dict]) -> list[dict]:
    return [
        {
            "provider_id": provider_id,
            "product_id": p["id"],
            "warehouse_id": w["id"],
            "client_id": p["client_id"],
            "on_hand": 1_000_000,
            "allocated": 0,
            "unsellable": 0,
            "incoming": 0,
        }
        for p in products
        for w in warehouses
    ]


def _receipts(provider_id: uuid.UUID, products: list[dict], warehouses: list[dict]) -> list[dict]:
    return [
        {
            "provider_id": provider_id,
            "id": new_id(),
            "client_id": p["client_id"],
            "product_id": p["id"],
            "warehouse_id": w["id"],
            "kind": MovementKind.RECEIPT,
            "on_hand_delta": 1_000_000,
            "allocated_delta": 0,
            "unsellable_delta": 0,
            "incoming_delta": 0,
            "reason": None,
            "note": "bench seed",
            "actor": "bench",
            "reference_type": None,
            "reference_id": None,
        }
        for p in products
        for w in warehouses
    ]


def _bulk(session: Session, model: type, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[start : start + BATCH])


def _psycopg(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)
