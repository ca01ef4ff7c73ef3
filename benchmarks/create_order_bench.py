"""createOrder through the real server against raw psycopg writing the same rows.

Both sides create orders of 3 lines allocated in one warehouse: the order, its lines, a
fulfillment order and its lines, one UPDATE of the levels, three ledger rows, five
outbox events, the routing decision and the audit row, one transaction per order, with
the tenant setting row-level security needs. The baseline sends those statements by hand
over psycopg (no HTTP, no GraphQL, no ORM), from as many threads as the server has
concurrent clients; the server is `crossdock serve` as production runs it (application
role, rate limiter on in Redis, Redis broker), with `--server-workers` processes (default:
one per core, as production would run on this machine), driven over keep-alive HTTP/1.1
sockets by a light client (benchmarks/harness.py's kind). Rounds alternate (A, B, A, B...)
so load from neighbours lands on both; the table shows medians, the servers' CPU per
order (every process of the server) and the ratio.

With `--before DIR` (a `git archive` of an earlier revision), that revision's server runs
beside this one's, one more side in every round.

    .venv/bin/python -m benchmarks.create_order_bench [--orders 300] [--rounds 3]
        [--concurrency 4] [--server-workers 1,2] [--before DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.background_bench import parse_counts, postgres_url, redis_url
from benchmarks.harness import ROOT, Server, read_response, serve
from benchmarks.load import Result, table
from benchmarks.read_bench import graphql_command
from benchmarks.redis_rounds import flush, fresh_namespace
from benchmarks.seed import BenchDatabase, Seeded, create_database, seed
from persistence.base import new_id, utcnow

CREATE_ORDER = """
mutation Create($input: CreateOrderInput!) {
  createOrder(input: $input) { order { id status } userErrors { field code message } }
}
"""
UNLIMITED = {"CROSSDOCK_RATE_LIMIT_POINTS": str(10**12)}
"""The rate limiter still runs (its cost is measured) but never refuses the load."""
BASELINE = "psycopg by hand"


@dataclass(frozen=True)
class Sample:
    """One round of one side: the result and the CPU seconds its process(es) spent."""

    result: Result
    cpu_seconds: float


@dataclass(frozen=True)
class Options:
    """What to measure: orders per side per round, rounds, clients, server processes."""

    orders: int = 300
    rounds: int = 3
    concurrency: int = 4
    server_workers: tuple[int, ...] = (os.cpu_count() or 1,)
    """API processes (`crossdock serve --workers N`); production runs one per core."""
    before: Path | None = None
    keep: bool = False


def run(server_url: str, redis: str, options: Options) -> str:
    """Seed a small catalog; per server process count, alternate the sides; the tables."""
    namespace = fresh_namespace()
    database = create_database(server_url, name=f"crossdock_bench_co_{uuid.uuid4().hex[:6]}")
    try:
        seeded = seed(database, clients=2, products=60, orders=100)
        client_id, skus = seeded.client_ids[0], seeded.skus[seeded.client_ids[0]]
        plain = PlainOrders(database, seeded.provider_id, client_id)
        env = {
            **database.env(),
            **UNLIMITED,
            "CROSSDOCK_BROKER_URL": redis,  # as production: the events go to Redis
            "CROSSDOCK_BROKER_NAMESPACE": namespace,
            "CROSSDOCK_RATE_LIMIT_REDIS_URL": redis,
        }
        tables = []
        for workers in options.server_workers:
            name = f"createOrder, {workers} process{'es' if workers > 1 else ''}"
            roots = {name: ROOT}
            if options.before is not None:
                roots[f"{name}, before"] = options.before
            with ExitStack() as stack:
                servers = {
                    side: stack.enter_context(_crossdock_serve(side, root, workers, env))
                    for side, root in roots.items()
                }
                samples = _rounds(servers, plain, seeded, skus, options)
            tables.append(_table(samples, options, workers))
        return "\n\n".join(tables)
    finally:
        flush(redis, namespace)
        if not options.keep:
            database.drop()


@contextmanager
def _crossdock_serve(name: str, root: Path, workers: int, env: dict[str, str]) -> Iterator[Server]:
    """`crossdock serve --workers N` from the checkout `root`, on a free port."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="crossdock-bench-metrics-") as metrics:
        shared = {**env, "CROSSDOCK_METRICS_DIR": metrics} if workers > 1 else env
        with serve(name, graphql_command(port, workers), port, shared, root=root) as server:
            yield server


def _rounds(
    servers: dict[str, Server],
    plain: PlainOrders,
    seeded: Seeded,
    skus: list[str],
    options: Options,
) -> dict[str, list[Sample]]:
    """Each side once per round, in turn (the order reversed every other round)."""
    sides: list[str] = [*servers, BASELINE]
    samples: dict[str, list[Sample]] = {side: [] for side in sides}
    for number in range(options.rounds):
        for index, side in enumerate(sides if number % 2 == 0 else reversed(sides)):
            rng = random.Random(number)  # every side creates the same orders in a round
            prefix = f"{number}-{index}-{uuid.uuid4().hex[:6]}"
            if side == BASELINE:
                sample = plain.round(prefix, options.orders, options.concurrency, skus, rng)
            else:
                sample = _graphql_round(
                    servers[side], seeded, skus, prefix, options.orders, options.concurrency, rng
                )
            samples[side].append(sample)
    return samples


def _graphql_round(
    server: Server,
    seeded: Seeded,
    skus: list[str],
    prefix: str,
    count: int,
    concurrency: int,
    rng: random.Random,
) -> Sample:
    bodies = [
        {"query": CREATE_ORDER, "variables": {"input": order_input(f"{prefix}-{n}", skus, rng)}}
        for n in range(count)
    ]
    headers = {"Authorization": f"Bearer {seeded.client_keys[0]}"}
    cpu = server.cpu_seconds()
    result = asyncio.run(_post_all(server, bodies, headers, concurrency))
    return Sample(result, server.cpu_seconds() - cpu)


async def _post_all(
    server: Server, bodies: list[dict[str, Any]], headers: dict[str, str], concurrency: int
) -> Result:
    """POST each body once over `concurrency` keep-alive sockets; each must be ALLOCATED."""
    host, port = server.base_url.removeprefix("http://").split(":")
    head = f"POST /graphql HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
    head += "".join(f"{key}: {value}\r\n" for key, value in headers.items())
    messages = []
    for body in bodies:
        payload = json.dumps(body).encode()
        messages.append(f"{head}Content-Length: {len(payload)}\r\n\r\n".encode() + payload)
    pending = iter(messages)
    latencies: list[float] = []

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for message in pending:  # one shared iterator: each body is sent once
                started = time.perf_counter()
                writer.write(message)
                status, answer = await read_response(reader)
                latencies.append(time.perf_counter() - started)
                _created(server.name, status, answer)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return Result(
        server.name,
        len(latencies),
        elapsed,
        statistics.median(latencies) * 1000,
        latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    )


def _created(name: str, status: int, answer: bytes) -> None:
    data = json.loads(answer) if status == 200 else None
    payload = (data.get("data") or {}).get("createOrder") if isinstance(data, dict) else None
    if not payload or payload["userErrors"] or payload["order"]["status"] != "ALLOCATED":
        raise RuntimeError(f"{name}: HTTP {status}: {answer[:300]!r}")


def order_input(reference: str, skus: list[str], rng: random.Random) -> dict[str, Any]:
    """A createOrder input of 3 lines of distinct SKUs."""
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


class PlainOrders:
    """The baseline: the same rows createOrder writes, as hand-written SQL over psycopg."""

    def __init__(self, database: BenchDatabase, provider_id: uuid.UUID, client_id: uuid.UUID):
        self.dsn = database.app_url.replace("postgresql+psycopg://", "postgresql://")
        self.provider_id, self.client_id = provider_id, client_id
        with psycopg.connect(self.dsn) as connection:
            _tenant(connection, provider_id)
            rows = connection.execute(
                "SELECT p.sku, p.id, min(l.warehouse_id::text) FROM products p"
                " JOIN inventory_levels l ON l.product_id = p.id WHERE p.client_id = %s"
                " GROUP BY p.sku, p.id",
                (client_id,),
            ).fetchall()
        self.products = {sku: (product_id, uuid.UUID(w)) for sku, product_id, w in rows}
        self.local = threading.local()

    def round(
        self, prefix: str, count: int, concurrency: int, skus: list[str], rng: random.Random
    ) -> Sample:
        """Create `count` orders from `concurrency` threads, one connection each."""
        inputs = [order_input(f"{prefix}-{n}", skus, rng) for n in range(count)]
        latencies: list[float] = []
        connections: list[psycopg.Connection] = []

        def one(order: dict[str, Any]) -> None:
            connection = getattr(self.local, "connection", None)
            if connection is None or connection.closed:
                connection = self.local.connection = psycopg.connect(self.dsn)
                connections.append(connection)
            started = time.perf_counter()
            self.create(connection, order)
            latencies.append(time.perf_counter() - started)

        cpu = time.process_time()
        started = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, inputs))
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        for connection in connections:
            connection.close()
        self.local = threading.local()
        latencies.sort()
        result = Result(
            "psycopg",
            len(latencies),
            elapsed,
            statistics.median(latencies) * 1000,
            latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        )
        return Sample(result, cpu)

    def create(self, connection: psycopg.Connection, order: dict[str, Any]) -> None:
        """One order in one transaction: 13 statements, every row createOrder writes."""
        p, c = self.provider_id, self.client_id
        lines = [
            (new_id(), *self.products[line["sku"]], line["sku"], line["quantity"])
            for line in order["lines"]
        ]
        lines.sort(key=lambda line: line[1])  # levels are locked in product order
        warehouse = lines[0][2]
        order_id, fulfillment_id, now = new_id(), new_id(), utcnow()
        ship = order["shipTo"]
        with connection.transaction(), connection.cursor() as cursor:
            _tenant(cursor, p)
            cursor.execute(
                "SELECT product_id, on_hand - allocated - unsellable FROM inventory_levels"
                " WHERE provider_id = %s AND warehouse_id = %s AND product_id = ANY(%s)"
                " ORDER BY product_id FOR UPDATE",
                (p, warehouse, [line[1] for line in lines]),
            )
            available = dict(cursor.fetchall())
            if any(available[line[1]] < line[4] for line in lines):
                raise RuntimeError("the benchmark ran out of stock")
            cursor.execute(
                "INSERT INTO orders (provider_id, id, client_id, external_reference,"
                " content_hash, status, service_level, ship_to_name, ship_to_line1,"
                " ship_to_city, ship_to_region, ship_to_postal_code, ship_to_country,"
                " created_by, tags, created_at, updated_at)"
                " VALUES (%s, %s, %s, %s, %s, 'allocated', 'standard', %s, %s, %s, %s, %s, %s,"
                " 'bench', '[]', %s, %s)"
                " ON CONFLICT (provider_id, client_id, external_reference) DO NOTHING"
                " RETURNING id",
                (
                    p, order_id, c, order["externalReference"], "0" * 64, ship["name"],
                    ship["line1"], ship["city"], ship["region"], ship["postalCode"],
                    ship["country"], now, now,
                ),
            )  # fmt: skip
            if cursor.fetchone() is None:
                raise RuntimeError("duplicate reference in the benchmark")
            _values(
                cursor,
                "order_lines (provider_id, id, client_id, order_id, line_number, product_id,"
                " sku, quantity, allocated_quantity)",
                [
                    (p, line[0], c, order_id, n, line[1], line[3], line[4], line[4])
                    for n, line in enumerate(lines, 1)
                ],
            )
            _values(
                cursor,
                "fulfillment_orders (provider_id, id, client_id, order_id, warehouse_id,"
                " status, created_at, updated_at)",
                [(p, fulfillment_id, c, order_id, warehouse, "allocated", now, now)],
            )
            _values(
                cursor,
                "fulfillment_order_lines (provider_id, id, client_id, fulfillment_order_id,"
                " order_line_id, product_id, quantity)",
                [(p, new_id(), c, fulfillment_id, line[0], line[1], line[4]) for line in lines],
            )
            cursor.execute(
                "UPDATE inventory_levels l SET allocated = l.allocated + v.q, updated_at = %s"
                " FROM (SELECT unnest(%s::uuid[]) AS product_id, unnest(%s::int[]) AS q) v"
                " WHERE l.provider_id = %s AND l.warehouse_id = %s"
                " AND l.product_id = v.product_id",
                (now, [line[1] for line in lines], [line[4] for line in lines], p, warehouse),
            )
            movements = [(new_id(), line) for line in lines]
            _values(
                cursor,
                "inventory_movements (provider_id, id, client_id, product_id, warehouse_id,"
                " kind, on_hand_delta, allocated_delta, unsellable_delta, incoming_delta,"
                " reason, actor, reference_type, reference_id, created_at)",
                [
                    (
                        p,
                        m,
                        c,
                        line[1],
                        warehouse,
                        "allocation",
                        0,
                        line[4],
                        0,
                        0,
                        "order",
                        "bench",
                        "order",
                        order_id,
                        now,
                    )
                    for m, line in movements
                ],
            )
            events = [("order.created", "order", order_id, {"order_id": str(order_id)})]
            events += [
                ("stock.changed", "inventory_level", line[1], {"movement_id": str(m)})
                for m, line in movements
            ]
            events.append(("order.allocated", "order", order_id, {"order_id": str(order_id)}))
            _values(
                cursor,
                "outbox_events (provider_id, id, client_id, topic, aggregate_type,"
                " aggregate_id, payload, created_at)",
                [
                    (p, new_id(), c, topic, kind, aggregate, json.dumps(payload), now)
                    for topic, kind, aggregate, payload in events
                ],
            )
            _values(
                cursor,
                "routing_decisions (provider_id, id, client_id, order_id, kind,"
                " rule_set_version, rule_name, explanation, actor, created_at)",
                [(p, new_id(), c, order_id, "creation", 0, "default", "{}", "bench", now)],
            )
            _values(
                cursor,
                "audit_events (provider_id, id, occurred_at, actor_kind, actor_name, client_id,"
                " mutation, object_type, object_id, input, outcome, error_codes)",
                [
                    (
                        p,
                        new_id(),
                        now,
                        "api_key",
                        "bench",
                        c,
                        "createOrder",
                        "Order",
                        order_id,
                        json.dumps(order),
                        "ok",
                        "[]",
                    )
                ],
            )


def _values(cursor: psycopg.Cursor, target: str, rows: list[tuple[Any, ...]]) -> None:
    # One multi-row INSERT; `target` is this module's own constant text, never input.
    row = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
    cursor.execute(
        f"INSERT INTO {target} VALUES " + ", ".join([row] * len(rows)),
        [value for values in rows for value in values],
    )


def _tenant(executor: Any, provider_id: uuid.UUID) -> None:
    executor.execute("SELECT set_config('app.provider_id', %s, true)", (str(provider_id),))


def _free_port() -> int:
    # A port no other benchmark is serving on (several may run on one machine).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _table(samples: dict[str, list[Sample]], options: Options, workers: int) -> str:
    baseline = samples[BASELINE]
    rows = []
    for name, runs in samples.items():
        pairs = zip(runs, baseline, strict=True)  # rounds are paired in time
        ratios = [a.result.per_second / b.result.per_second for a, b in pairs]
        rows.append(
            [
                name,
                " ".join(f"{s.result.per_second:.0f}" for s in runs),
                f"{statistics.median(s.result.per_second for s in runs):.0f}",
                f"{statistics.median(s.result.p50_ms for s in runs):.1f}",
                f"{statistics.median(s.result.p99_ms for s in runs):.1f}",
                f"{statistics.median(s.cpu_seconds * 1000 / s.result.requests for s in runs):.2f}",
                f"{statistics.median(ratios):.2f}",
            ]
        )
    title = (
        f"order creation, 3 lines in one warehouse, server of {workers} process"
        f"{'es' if workers > 1 else ''}: {options.orders} orders x {options.rounds} interleaved "
        f"rounds, concurrency {options.concurrency} (medians; CPU of the creating processes)"
    )
    header = ["side", "orders/s per round", "orders/s", "p50 ms", "p99 ms", "CPU ms/order"]
    return table(title, rows, [*header, "vs psycopg"])


def main() -> None:
    """Run from the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=300, help="orders per side per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--server-workers",
        default=str(os.cpu_count() or 1),
        help="API processes, comma-separated for several runs (default: one per core, "
        f"{os.cpu_count() or 1} here, as production would run)",
    )
    parser.add_argument("--before", type=Path, help="a checkout of an earlier revision")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    options = Options(
        args.orders,
        args.rounds,
        args.concurrency,
        parse_counts(args.server_workers),
        args.before,
        args.keep,
    )
    print(run(postgres_url(), redis_url(), options))


if __name__ == "__main__":
    main()
