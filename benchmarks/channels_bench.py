"""Sales channels: orders imported per second from a fake Shopify (webhook path and polling
path) beside createOrder through the API, and stock pushes with coalescing on and off.

    .venv/bin/python -m benchmarks.channels_bench --orders 200 --changes 2000 --rounds 3

Everything runs in one process against PostgreSQL as the application role: the API as an
in-process ASGI app (starlette's TestClient), the fake Shopify (tests/fakes) on loopback
with an unmetered bucket, so what is measured is Crossdock's side. The webhook path is
what a worker does per Shopify notification: the signed POST, then the poll it asks for.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
import uuid
from collections.abc import Callable

from starlette.testclient import TestClient

from benchmarks.background_bench import postgres_url
from benchmarks.load import table
from benchmarks.seed import BENCH_SECRET_KEY, BenchDatabase, create_database
from crossdock.adapters import install_adapters
from crossdock.app import create_app
from crossdock.database import make_engine, make_session_factory
from crossdock.settings import Settings
from domain.catalog.models import Product, Warehouse
from domain.channels.connections import ConnectionChanges, create_connection
from domain.channels.models import ChannelKind
from domain.inventory import ledger
from domain.inventory.models import MovementKind
from domain.outbox.events import Topic
from domain.outbox.models import OutboxEvent
from persistence.base import new_id
from persistence.unit_of_work import UnitOfWork
from services.channel_imports import check_connection, poll_connection
from services.channel_syncs import note_stock_change, push_stock
from tenants import service
from tenants.models import KeyKind
from tenants.unit_of_work import TenantUnitOfWork
from tests.fakes.shop_base import BackgroundServer
from tests.fakes.shopify_server import FakeShopify

SKUS = 50
CREATE_ORDER = """mutation($input: CreateOrderInput!) { createOrder(input: $input) {
  order { id } userErrors { code } } }"""


@dataclasses.dataclass
class Setup:
    """The tenant, its client key, warehouse and products."""

    provider_id: uuid.UUID
    client_id: uuid.UUID
    client_key: str
    warehouse_id: uuid.UUID
    products: list[uuid.UUID]


def run(server_url: str, orders: int, changes: int, keep: bool = False, rounds: int = 3) -> str:
    """Seed a tenant, run the four measurements, return the tables."""
    install_adapters()
    database = create_database(server_url, name=f"crossdock_bench_ch_{uuid.uuid4().hex[:6]}")
    engine = make_engine(database.app_url)
    factory = make_session_factory(engine)
    try:
        setup = _seed(factory, orders * (rounds + 1))
        shop = FakeShopify(bucket_size=1e12, restore_rate=1e12)
        for number in range(SKUS):
            shop.add_variant(f"SKU-{number}")
        settings = dataclasses.replace(_settings(database), allow_private_urls=True)
        with (
            BackgroundServer(shop.app) as server,
            TestClient(create_app(settings, background=False)) as http,
        ):
            return _measure(factory, setup, shop, server.url, http, orders, changes, rounds)
    finally:
        engine.dispose()
        if not keep:
            database.drop()


def _measure(factory, setup, shop, shop_url, http, orders, changes, rounds) -> str:
    def new_unit() -> TenantUnitOfWork:
        return TenantUnitOfWork.operator(factory, setup.provider_id)

    with new_unit() as uow:
        made = create_connection(
            uow, setup.client_id, ChannelKind.SHOPIFY,
            ConnectionChanges(name="shop", shop_url=shop_url, warehouse_id=setup.warehouse_id,
                              api_key=shop.access_token, api_secret=shop.client_secret),
            allow_private_urls=True,
        )  # fmt: skip
        uow.commit()
        connection_id = made.connection.id
    check_connection(new_unit, connection_id)
    while push_stock(new_unit, connection_id):  # the first check's full push, not measured
        pass
    path = f"/channels/shopify/webhook/{setup.provider_id}/{connection_id}"

    def by_polling(round_: int) -> int:
        for n in range(orders):
            shop.place_order([(f"SKU-{n % SKUS}", 1)])
        return _poll_until(new_unit, connection_id, orders)

    def by_webhook(round_: int) -> int:
        imported = 0
        for n in range(orders):
            shop.place_order([(f"SKU-{n % SKUS}", 1)])
            headers, body = shop.notification()
            assert http.post(path, content=body, headers=headers).status_code == 200
            imported += poll_connection(new_unit, connection_id).imported
        return imported

    def by_api(round_: int) -> int:
        for n in range(orders):
            answer = http.post(
                "/graphql",
                json={"query": CREATE_ORDER, "variables": {"input": _order_input(round_, n)}},
                headers={"Authorization": f"Bearer {setup.client_key}"},
            ).json()
            assert answer["data"]["createOrder"]["userErrors"] == [], answer
        return orders

    paths = {
        "polling (one poll, pages of 50)": by_polling,
        "webhook (notification + its poll)": by_webhook,
        "createOrder through the API (baseline)": by_api,
    }
    rates: dict[str, list[float]] = {name: [] for name in paths}
    for round_ in range(rounds):  # interleaved: a busy moment falls on every path alike
        for name, work in paths.items():
            count, seconds = _timed(lambda: work(round_))  # noqa: B023
            assert count == orders, (name, count)
            rates[name].append(orders / seconds)
    rows = [
        [name, orders, f"{statistics.median(found):,.1f}", " / ".join(f"{r:,.1f}" for r in found)]
        for name, found in rates.items()
    ]
    imports = table(
        f"Orders imported from a fake Shopify ({orders} a path a round, {rounds} interleaved "
        "rounds), PostgreSQL",
        rows,
        ["path", "orders", "median orders/s", "rounds"],
    )
    return imports + "\n\n" + _stock(new_unit, setup, shop, connection_id, changes)


def _stock(new_unit, setup, shop, connection_id, changes) -> str:
    rows = []
    for coalesce in (True, False):
        with new_unit() as uow:
            for n in range(changes):
                level = ledger.ensure_level(
                    uow, setup.client_id, setup.products[n % SKUS], setup.warehouse_id
                )
                ledger.post(uow, level, MovementKind.RECEIPT, on_hand=1)
            uow.commit()
            events = list(
                uow.session.scalars(
                    OutboxEvent.__table__.select()
                    .with_only_columns(OutboxEvent.id)
                    .where(OutboxEvent.topic == Topic.STOCK_CHANGED.value)
                    .order_by(OutboxEvent.id.desc())
                    .limit(changes)
                )
            )[::-1]
        calls_before = shop.count("POST", "graphql.json")

        _, seconds = _timed(lambda: _propagate(new_unit, connection_id, events, coalesce))  # noqa: B023
        calls = shop.count("POST", "graphql.json") - calls_before
        rows.append(["on" if coalesce else "off", changes, calls, _rate(changes, seconds)])
    return table(
        f"Stock pushes: {changes} stock changes over {SKUS} products to one Shopify location",
        rows,
        ["coalescing", "changes", "Shopify calls", "changes/s"],
    )


def _propagate(new_unit, connection_id: uuid.UUID, events: list, coalesce: bool) -> None:
    """What the actors do: note each change; push once per woken connection (coalescing),
    or push after every change (not)."""
    if coalesce:
        woken = {c for event in events for c in note_stock_change(new_unit, event)}
        for connection in woken:
            while push_stock(new_unit, connection):
                pass
    else:
        for event in events:
            note_stock_change(new_unit, event)
            push_stock(new_unit, connection_id)


def _poll_until(new_unit, connection_id: uuid.UUID, wanted: int) -> int:
    imported = 0
    while imported < wanted:
        got = poll_connection(new_unit, connection_id).imported
        if not got:
            break
        imported += got
    return imported


def _seed(factory, orders: int) -> Setup:
    with UnitOfWork(factory) as unit:
        provider, _ = service.create_provider(unit, "Bench Channels")
        scope_unit = TenantUnitOfWork.sharing(
            unit, TenantUnitOfWork.operator(factory, provider.id).scope
        )
        client = service.create_client(scope_unit, "SHOP", "Shop client")
        key = service.create_api_key(
            scope_unit, name="bench", kind=KeyKind.CLIENT, client_id=client.id
        )
        warehouse = Warehouse(
            provider_id=provider.id, id=new_id(), code="BEN", name="Bench", timezone="UTC",
            address_line1="1 Dock Road", city="Austin", region="TX", postal_code="78701",
            country="US",
        )  # fmt: skip
        unit.session.add(warehouse)
        products = [
            Product(provider_id=provider.id, id=new_id(), client_id=client.id,
                    sku=f"SKU-{n}", name=f"Product {n}")
            for n in range(SKUS)
        ]  # fmt: skip
        unit.session.add_all(products)
        unit.session.flush()
        for product in products:
            level = ledger.ensure_level(scope_unit, client.id, product.id, warehouse.id)
            ledger.post(scope_unit, level, MovementKind.RECEIPT, on_hand=orders * 10)
        unit.commit()
        return Setup(provider.id, client.id, key.plaintext, warehouse.id, [p.id for p in products])


def _order_input(round_: int, n: int) -> dict[str, object]:
    return {
        "externalReference": f"API-{round_}-{n}",
        "shipTo": {"name": "Dana Smith", "line1": "12 Pine St", "city": "Boulder",
                   "region": "CO", "postalCode": "80302", "country": "US"},
        "lines": [{"sku": f"SKU-{n % SKUS}", "quantity": 1}],
    }  # fmt: skip


def _settings(database: BenchDatabase) -> Settings:
    return Settings.from_env(
        {"CROSSDOCK_DATABASE_URL": database.app_url, "CROSSDOCK_SECRET_KEYS": BENCH_SECRET_KEY}
    )


def _timed(work: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def _rate(count: object, seconds: float) -> str:
    return f"{int(count) / seconds:,.1f}" if seconds else "-"  # type: ignore[call-overload]


def main() -> None:
    """Run with a PostgreSQL server (CROSSDOCK_BENCH_POSTGRES_URL) and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--changes", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    print(run(postgres_url(), args.orders, args.changes, args.keep, args.rounds))


if __name__ == "__main__":
    main()
