"""Orders: the page query against a hand-written endpoint; createOrder against plain SQL."""

from __future__ import annotations

import random
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import select, update

from benchmarks.load import Result, measure, serve, table
from benchmarks.seed import BenchDatabase, Seeded
from crossdock.database import make_engine, make_session_factory
from domain.catalog.models import Product
from domain.inventory.models import InventoryLevel, InventoryMovement, MovementKind
from domain.orders.models import (
    FulfillmentOrder,
    FulfillmentOrderLine,
    Order,
    OrderLine,
    OrderStatus,
)
from persistence.base import new_id, utcnow
from tenants.unit_of_work import TenantUnitOfWork

ORDERS_PAGE = """
query Page($first: Int!) {
  orders(first: $first) {
    edges { node {
      id externalReference status createdAt
      lines { sku quantity product { name } }
      fulfillmentOrders { status warehouse { code } }
    } }
  }
}
"""

UNLIMITED = {"CROSSDOCK_RATE_LIMIT_POINTS": str(10**12)}
"""The rate limiter still runs (its cost is measured) but never refuses the load."""

CREATE_ORDER = """
mutation Create($input: CreateOrderInput!) {
  createOrder(input: $input) { order { id status } userErrors { field code message } }
}
"""


def guard_overhead(
    database: BenchDatabase, seeded: Seeded, requests: int, concurrency: int, rounds: int = 3
) -> str:
    """The orders page with and without the hostile-input checks, in alternating rounds."""
    env = {"CROSSDOCK_DATABASE_URL": database.app_url, **UNLIMITED}
    headers = {"Authorization": f"Bearer {seeded.provider_key}"}
    body = {"query": ORDERS_PAGE, "variables": {"first": 50}}
    names = {
        "with the checks": "crossdock.app:from_env",
        "without": "benchmarks.unguarded_app:create",
    }
    results: dict[str, list[Result]] = {name: [] for name in names}
    with (
        serve(names["with the checks"], 8714, env) as guarded_url,
        serve(names["without"], 8715, env) as unguarded_url,
    ):
        urls = {"with the checks": guarded_url, "without": unguarded_url}
        _same_answer(guarded_url + "/graphql", unguarded_url + "/graphql", body, headers)
        for _ in range(rounds):
            for name, url in urls.items():
                results[name].append(
                    measure(name, url + "/graphql", [body] * requests, headers, concurrency)
                )
    best = {name: max(runs, key=lambda r: r.per_second) for name, runs in results.items()}
    cost = 1 - best["with the checks"].per_second / best["without"].per_second
    rows = [
        [
            name,
            " ".join(f"{r.per_second:.0f}" for r in results[name]),
            f"{best[name].per_second:.0f}",
            f"{best[name].p50_ms:.1f}",
        ]
        for name in names
    ]
    title = f"hostile-input checks on the orders page: {cost:+.1%} of throughput (best of {rounds})"
    return table(
        title, rows, ["GraphQL orders(first: 50)", "requests/s per round", "best", "p50 ms"]
    )


def order_creation(database: BenchDatabase, seeded: Seeded, count: int, concurrency: int) -> str:
    """Orders created per second through createOrder, against plain SQL inserts of the same rows."""
    rng = random.Random(11)
    client_key = seeded.client_keys[0]
    skus = seeded.skus[seeded.client_ids[0]]
    bodies = [
        {"query": CREATE_ORDER, "variables": {"input": _order_input(f"BENCH-{n}", rng, skus)}}
        for n in range(count)
    ]

    def created(answer: dict[str, Any]) -> None:
        payload = answer["data"]["createOrder"]
        if payload["userErrors"]:
            raise RuntimeError(payload["userErrors"])

    env = {**database.env(), **UNLIMITED}
    with serve("crossdock.app:from_env", 8713, env) as graphql_url:
        api = measure(
            "createOrder via GraphQL",
            graphql_url + "/graphql",
            bodies,
            {"Authorization": f"Bearer {client_key}"},
            concurrency,
            created,
        )
    plain = _plain_sql_orders(database, seeded, count, concurrency, rng)
    return _table(
        "order creation: 3 lines each, allocated in one warehouse", api, plain, "orders/s"
    )


def _order_input(reference: str, rng: random.Random, skus: list[str]) -> dict[str, Any]:
    return {
        "externalReference": reference,
        "serviceLevel": "STANDARD",
        "shipTo": {
            "name": "Jo Doe",
            "line1": "1 Main St",
            "city": "Springfield",
            "region": "IL",
            "postalCode": "62701",
            "country": "US",
        },
        "lines": [{"sku": sku, "quantity": rng.randint(1, 3)} for sku in rng.sample(skus, 3)],
    }


def _plain_sql_orders(
    database: BenchDatabase, seeded: Seeded, count: int, concurrency: int, rng: random.Random
) -> Result:
    """The same rows createOrder writes (order, lines, fulfillment order, level updates,
    ledger rows), inserted with plain SQL, one transaction per order."""
    engine = make_engine(database.app_url, pool_size=concurrency)
    factory = make_session_factory(engine)
    client_id = seeded.client_ids[0]
    with TenantUnitOfWork.operator(factory, seeded.provider_id) as uow:
        products = list(
            uow.session.execute(
                select(Product.id, Product.sku).where(Product.client_id == client_id)
            )
        )
        level = uow.session.scalars(select(InventoryLevel).limit(1)).one()
        warehouse_id = level.warehouse_id
    # lines by product id: levels are updated in the order the ledger locks them (else deadlocks)
    plans = [
        (f"PLAIN-{n}", [(p, rng.randint(1, 3)) for p in sorted(rng.sample(products, 3))])
        for n in range(count)
    ]
    latencies: list[float] = []

    def insert_one(plan: tuple[str, list[Any]]) -> None:
        started = time.perf_counter()
        reference, lines = plan
        with TenantUnitOfWork.operator(factory, seeded.provider_id) as uow:
            session, now, order_id, fulfillment_id = uow.session, utcnow(), new_id(), new_id()
            session.add(
                Order(
                    provider_id=seeded.provider_id,
                    id=order_id,
                    client_id=client_id,
                    external_reference=reference,
                    content_hash="0" * 64,
                    status=OrderStatus.ALLOCATED,
                    service_level="standard",
                    ship_to_name="Jo Doe",
                    ship_to_line1="1 Main St",
                    ship_to_city="Springfield",
                    ship_to_region="IL",
                    ship_to_postal_code="62701",
                    ship_to_country="US",
                    created_by="bench",
                    created_at=now,
                    updated_at=now,
                )
            )
            session.flush()
            session.add(
                FulfillmentOrder(
                    provider_id=seeded.provider_id,
                    id=fulfillment_id,
                    client_id=client_id,
                    order_id=order_id,
                    warehouse_id=warehouse_id,
                    created_at=now,
                    updated_at=now,
                )
            )
            session.flush()
            for number, ((product_id, sku), quantity) in enumerate(lines, start=1):
                line_id = new_id()
                session.add(
                    OrderLine(
                        provider_id=seeded.provider_id,
                        id=line_id,
                        client_id=client_id,
                        order_id=order_id,
                        line_number=number,
                        product_id=product_id,
                        sku=sku,
                        quantity=quantity,
                        allocated_quantity=quantity,
                    )
                )
                session.flush()
                session.add(
                    FulfillmentOrderLine(
                        provider_id=seeded.provider_id,
                        id=new_id(),
                        client_id=client_id,
                        fulfillment_order_id=fulfillment_id,
                        order_line_id=line_id,
                        product_id=product_id,
                        quantity=quantity,
                    )
                )
                session.execute(
                    update(InventoryLevel)
                    .where(
                        InventoryLevel.product_id == product_id,
                        InventoryLevel.warehouse_id == warehouse_id,
                    )
                    .values(allocated=InventoryLevel.allocated + quantity)
                )
                session.add(
                    InventoryMovement(
                        provider_id=seeded.provider_id,
                        id=new_id(),
                        client_id=client_id,
                        product_id=product_id,
                        warehouse_id=warehouse_id,
                        kind=MovementKind.ALLOCATION,
                        allocated_delta=quantity,
                        actor="bench",
                        reference_type="order",
                        reference_id=order_id,
                    )
                )
            uow.commit()
        latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(insert_one, plans))
    elapsed = time.perf_counter() - started
    engine.dispose()
    latencies.sort()
    return Result(
        "plain SQL inserts (same rows)",
        len(latencies),
        elapsed,
        latencies[len(latencies) // 2] * 1000,
        latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    )


def _same_answer(graphql_url: str, baseline_url: str, body: dict, headers: dict) -> None:
    import httpx

    ours = httpx.post(graphql_url, json=body, headers=headers, timeout=30).json()
    ours.pop("extensions", None)  # the query's cost, which the baseline does not report
    theirs = httpx.post(baseline_url, json=body, headers=headers, timeout=30).json()
    theirs.pop("extensions", None)
    if ours != theirs:
        raise RuntimeError("the baseline does not return the GraphQL answer; fix the baseline")


def _table(title: str, ours: Result, baseline: Result, unit: str) -> str:
    rows = [
        [
            r.name,
            f"{r.per_second:.0f}",
            f"{r.p50_ms:.1f}",
            f"{r.p99_ms:.1f}",
            f"{r.per_second / baseline.per_second:.2f}",
        ]
        for r in (ours, baseline)
    ]
    return table(title, rows, ["endpoint", unit, "p50 ms", "p99 ms", "vs baseline"])
