"""The read path: the orders page through GraphQL against a hand-written endpoint.

Both servers run as production runs them: the application role (row-level security on),
a Redis broker (no in-process worker) and the rate limiter on, in Redis. The hand-written
endpoint (benchmarks/baseline_app.py) answers the very JSON GraphQL does for the same 50
orders; the benchmark checks that before measuring. Sections:

- one process each, at every concurrency asked for (1, 4, 16): req/s, p50, p99, CPU ms per
  request, and the ratios to the baseline, medians of interleaved rounds;
- several processes each (`--workers`), at the highest concurrency;
- growth: the same page once more after the orders table grew (by COPY) to each size asked
  for; an index scan stops at 51 rows, so the page should cost the same at every size.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import (
    Comparison,
    Endpoint,
    compare,
    comparison_table,
    same_json,
    serve,
    table,
    uvicorn_command,
)
from benchmarks.seed import BenchDatabase, Seeded, grow

ORDERS_PAGE = """
query OrdersPage($first: Int!) {
  orders(first: $first) {
    edges { node {
      id externalReference status createdAt
      client { code name }
      lines { sku quantity product { name } }
      fulfillmentOrders { status warehouse { code } }
    } }
  }
}
"""
PAGE_BODY = {"query": ORDERS_PAGE, "variables": {"first": 50}, "operationName": "OrdersPage"}
UNLIMITED = "1000000000000"
"""Rate-limit points: the limiter still runs (its cost is measured) but never refuses."""
GRAPHQL = "GraphQL orders(first: 50)"
BASELINE = "Starlette + SQLAlchemy by hand"


@dataclass(frozen=True)
class ReadOptions:
    """How much to measure."""

    requests: int = 200
    rounds: int = 3
    concurrency: tuple[int, ...] = (1, 4, 16)
    workers: int = 2
    growth: tuple[int, ...] = (100_000,)
    before: Path | None = None
    """A checkout of an earlier revision: its GraphQL server joins the one-process rounds."""


def run(
    database: BenchDatabase, seeded: Seeded, orders: int, redis_url: str, options: ReadOptions
) -> str:
    """Every read section's tables, one after another."""
    env = production_env(database, redis_url)
    try:
        return _sections(database, seeded, orders, env, options)
    finally:
        _forget(redis_url, env["CROSSDOCK_BROKER_NAMESPACE"])


def _sections(
    database: BenchDatabase, seeded: Seeded, orders: int, env: dict[str, str], options: ReadOptions
) -> str:
    headers = {"Authorization": f"Bearer {seeded.provider_key}"}
    out: list[str] = []
    with contenders(env, headers, workers=1, before=options.before) as endpoints:
        same_json(endpoints)
        for concurrency in options.concurrency:
            out.append(comparison_table(_compare(endpoints, options, concurrency, orders)))
        flat = [_compare(endpoints, options, max(options.concurrency), orders)]
    if options.workers > 1:
        with contenders(env, headers, workers=options.workers) as endpoints:
            same_json(endpoints)
            title = f"orders page, {options.workers} processes each, {orders:,} orders"
            out.append(comparison_table(_compare(endpoints, options, 16, orders, title)))
    sizes = [orders]
    for size in options.growth:
        if size <= sizes[-1]:
            continue
        started = time.perf_counter()
        grow(database, seeded, size - sizes[-1], older_than=-sizes[-1] + orders)
        print(f"grew to {size:,} orders in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        sizes.append(size)
        with contenders(env, headers, workers=1) as endpoints:
            same_json(endpoints)
            flat.append(_compare(endpoints, options, max(options.concurrency), size))
    if len(flat) > 1:
        out.append(growth_table(sizes, flat))
    return "\n\n".join(out)


def production_env(database: BenchDatabase, redis_url: str) -> dict[str, str]:
    """Settings as deployed: app role, Redis broker and rate-limit budgets, quiet logs."""
    return {
        **database.env(),
        "CROSSDOCK_BROKER_URL": redis_url,
        "CROSSDOCK_BROKER_NAMESPACE": f"crossdock-bench-{uuid.uuid4().hex[:8]}",
        "CROSSDOCK_RATE_LIMIT_POINTS": UNLIMITED,
        "CROSSDOCK_LOG_LEVEL": "warning",
    }


def _forget(redis_url: str, namespace: str) -> None:
    """Delete the run's Redis keys (rate-limit budgets, broker bookkeeping)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{namespace}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@contextmanager
def contenders(
    env: dict[str, str], headers: dict[str, str], *, workers: int, before: Path | None = None
) -> Iterator[list]:
    """The GraphQL server and the hand-written one, `workers` processes each; with `before`,
    that checkout's GraphQL server too (one process, as `crossdock serve` ran there)."""
    with ExitStack() as stack:
        metrics = stack.enter_context(_metrics_dir()) if workers > 1 else None
        graphql_env = {**env, "CROSSDOCK_METRICS_DIR": metrics} if metrics else env
        graphql = stack.enter_context(
            serve(GRAPHQL, graphql_command(8721, workers), 8721, graphql_env)
        )
        baseline = stack.enter_context(
            serve(
                BASELINE,
                uvicorn_command("benchmarks.baseline_app:create", 8722, workers),
                8722,
                env,
            )
        )
        endpoints = [
            Endpoint(graphql, "/graphql", PAGE_BODY, headers),
            Endpoint(baseline, "/orders", PAGE_BODY, headers),
        ]
        if before is not None:
            earlier = stack.enter_context(
                serve(f"{GRAPHQL}, before", graphql_command(8723, 1), 8723, env, root=before)
            )
            endpoints.insert(1, Endpoint(earlier, "/graphql", PAGE_BODY, headers))
        yield endpoints


def graphql_command(port: int, workers: int) -> list[str]:
    """The API as deployed: `crossdock serve` (which runs uvicorn), `workers` processes."""
    crossdock = str(Path(sys.executable).with_name("crossdock"))
    command = [crossdock, "serve", "--host", "127.0.0.1", "--port", str(port)]
    return [*command, "--workers", str(workers)] if workers > 1 else command


@contextmanager
def _metrics_dir() -> Iterator[str]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="crossdock-bench-metrics-") as directory:
        yield directory


def _compare(
    endpoints: Sequence[Endpoint],
    options: ReadOptions,
    concurrency: int,
    orders: int,
    title: str | None = None,
) -> Comparison:
    return compare(
        title or f"orders page, 1 process each, {orders:,} orders",
        endpoints,
        baseline=BASELINE,
        requests=max(options.requests, concurrency * 10),
        concurrency=concurrency,
        rounds=options.rounds,
    )


def growth_table(sizes: Sequence[int], runs: Sequence[Comparison]) -> str:
    """The page at each table size: GraphQL's and the baseline's req/s and CPU per request."""
    rows = []
    for size, run in zip(sizes, runs, strict=True):
        row = [f"{size:,}"]
        for name in (GRAPHQL, BASELINE):
            row += [
                f"{run.median(name, lambda r: r.per_second):.0f}",
                f"{run.median(name, lambda r: r.cpu_ms):.1f}",
                f"{run.median(name, lambda r: r.percentile_ms(0.99)):.0f}",
            ]
        row.append(f"{run.ratio(GRAPHQL, lambda r: r.cpu_ms):.2f}")
        rows.append(row)
    header = [
        "orders", "GraphQL req/s", "CPU ms/req", "p99 ms",
        "by hand req/s", "CPU ms/req", "p99 ms", "GraphQL CPU vs by hand",
    ]  # fmt: skip
    concurrency = runs[0].concurrency
    return table(f"orders page as the table grows (concurrency {concurrency})", rows, header)
