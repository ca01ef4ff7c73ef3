"""Run the benchmarks and print their tables: `./dev bench [--orders N] [--keep]`.

`./dev bench --reads-only` measures just the read path (benchmarks/read_bench.py): the
orders page against a hand-written endpoint at concurrency 1/4/16, with 2 processes each,
and as the orders table grows from --read-orders to each of --growth (by COPY; add
1000000 for the 1M-order run, a few minutes).

Needs PostgreSQL (CROSSDOCK_BENCH_POSTGRES_URL, an administrator URL; default
postgresql://postgres@127.0.0.1:5432/postgres) and, for the background section, Redis
(CROSSDOCK_BENCH_REDIS_URL, default redis://127.0.0.1:6379/0; only keys under a fresh
namespace are written, and deleted). Every server runs on loopback.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import background_bench, billing_bench, channels_bench, orders_bench, read_bench
from benchmarks.seed import create_database, seed


def main() -> int:
    """Seed once, run every benchmark, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400, help="requests per measured endpoint")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--skip-orders", action="store_true")
    parser.add_argument("--reads-only", action="store_true", help="only the read-path section")
    parser.add_argument("--skip-reads", action="store_true")
    parser.add_argument("--read-orders", type=int, default=10_000, help="orders seeded for reads")
    parser.add_argument("--read-requests", type=int, default=200, help="requests per round")
    parser.add_argument("--read-rounds", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--read-concurrency", default="1,4,16", help="connections, e.g. 1,4,16")
    parser.add_argument("--read-workers", type=int, default=2, help="processes (1: no such run)")
    parser.add_argument(
        "--read-before",
        type=Path,
        help="a checkout of an earlier revision (git worktree add DIR REV) measured alongside",
    )
    parser.add_argument(
        "--growth", default="100000", help="order counts to grow to, e.g. 100000,1000000 ('': none)"
    )
    parser.add_argument(
        "--only-guards",
        action="store_true",
        help="of the orders section, measure only the hostile-input checks' cost",
    )
    parser.add_argument("--billing-clients", type=int, default=20)
    parser.add_argument("--billing-events", type=int, default=5_000, help="charges per client")
    parser.add_argument("--skip-billing", action="store_true")
    parser.add_argument("--labels", type=int, default=1_000, help="packed orders per round")
    parser.add_argument(
        "--worker-processes", default="1,2", help="worker process counts to measure, e.g. 1,2"
    )
    parser.add_argument("--events", type=int, default=10_000, help="outbox events to relay")
    parser.add_argument("--skip-background", action="store_true")
    parser.add_argument("--channel-orders", type=int, default=200, help="orders per import path")
    parser.add_argument("--stock-changes", type=int, default=2_000, help="stock changes pushed")
    parser.add_argument("--skip-channels", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases")
    args = parser.parse_args()
    server = background_bench.postgres_url()
    if not args.skip_reads:
        _reads(server, args)
    if args.reads_only:
        return 0
    if not args.skip_orders:
        print()
        _orders(server, args)
    if not args.skip_billing:
        print()
        print(billing_bench.run(server, args.billing_clients, args.billing_events, args.keep))
    if not args.skip_channels:
        print()
        print(channels_bench.run(server, args.channel_orders, args.stock_changes, args.keep))
    if not args.skip_background:
        print()
        print(
            background_bench.run(
                server,
                background_bench.redis_url(),
                args.labels,
                background_bench.parse_counts(args.worker_processes),
                args.events,
                args.keep,
            )
        )
    return 0


def _reads(server: str, args: argparse.Namespace) -> None:
    """Seed a small data set by COPY, measure the read path, grow it, measure again."""
    database = create_database(server, name=f"crossdock_reads_{uuid.uuid4().hex[:6]}")
    try:
        started = time.perf_counter()
        seeded = seed(
            database, clients=args.clients, products=args.products, orders=args.read_orders
        )
        print(f"seeded {args.read_orders:,} orders in {time.perf_counter() - started:.1f} s\n")
        options = read_bench.ReadOptions(
            requests=args.read_requests,
            rounds=args.read_rounds,
            concurrency=background_bench.parse_counts(args.read_concurrency),
            workers=args.read_workers,
            growth=background_bench.parse_counts(args.growth) if args.growth else (),
            before=args.read_before.resolve() if args.read_before else None,
        )
        redis_url = background_bench.redis_url()
        print(read_bench.run(database, seeded, args.read_orders, redis_url, options))
    finally:
        if not args.keep:
            database.drop()


def _orders(server: str, args: argparse.Namespace) -> None:
    """Seed the orders data set, measure the orders page and order creation."""
    database = create_database(server, name=f"crossdock_bench_{uuid.uuid4().hex[:6]}")
    try:
        started = time.perf_counter()
        seeded = seed(database, clients=args.clients, products=args.products, orders=args.orders)
        print(
            f"seeded {args.clients} clients, {args.products} products, {args.orders} orders "
            f"in {time.perf_counter() - started:.1f} s\n"
        )
        print(orders_bench.guard_overhead(database, seeded, args.requests, args.concurrency))
        if args.only_guards:
            return
        print()
        print(orders_bench.order_creation(database, seeded, args.requests, args.concurrency))
    finally:
        if not args.keep:
            database.drop()


if __name__ == "__main__":
    sys.exit(main())
