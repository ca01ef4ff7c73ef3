"""Run the benchmarks and print their tables: `./dev bench [--orders N] [--keep]`.

Needs PostgreSQL (CROSSDOCK_BENCH_POSTGRES_URL, an administrator URL; default
postgresql://postgres@127.0.0.1:5432/postgres). Every server runs on loopback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import orders_bench
from benchmarks.seed import create_database, seed


def main() -> int:
    """Seed once, run every benchmark, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=400, help="requests per measured endpoint")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()
    server = os.environ.get(
        "CROSSDOCK_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    database = create_database(server, name=f"crossdock_bench_{uuid.uuid4().hex[:6]}")
    try:
        started = time.perf_counter()
        seeded = seed(database, clients=args.clients, products=args.products, orders=args.orders)
        print(
            f"seeded {args.clients} clients, {args.products} products, {args.orders} orders "
            f"in {time.perf_counter() - started:.1f} s\n"
        )
        print(orders_bench.orders_page(database, seeded, args.requests, args.concurrency))
        print()
        print(orders_bench.order_creation(database, seeded, args.requests, args.concurrency))
    finally:
        if not args.keep:
            database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
