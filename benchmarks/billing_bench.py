"""Billing: invoicing many charges against one SQL aggregate, interleaved rounds, memory.

    .venv/bin/python -m benchmarks.billing_bench --clients 100 --events 10000 --rounds 3
        [--before DIR]

Charges are seeded by COPY (several charge types per client, one month), each stamped with
its billing month as the application stamps it. A first, untimed run drafts every client's
invoice (its seconds are in the title). Then, in alternating rounds, `bill_period` refreshes
every client's draft as the application role, row-level security on, exactly as the worker
does, and the baseline runs the single GROUP BY the invoices must agree with. `--before DIR`
adds an earlier revision's `bill_period` (a checkout or `git archive` of it in DIR, run by
this interpreter in DIR, timed inside its process) to each round, on the same database. The
table shows each round, the medians, their ratio and tracemalloc's peak.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

import psycopg
from sqlalchemy import text

from benchmarks.load import table
from benchmarks.seed import create_database
from crossdock.database import make_engine, make_session_factory
from domain.billing.invoice_models import Invoice
from domain.billing.periods import Period
from domain.billing.rate_cards import NewRateCard, create_rate_card
from persistence.base import new_id
from persistence.unit_of_work import UnitOfWork
from services.billing import bill_period
from tenants import service
from tenants.unit_of_work import TenantUnitOfWork

R = TypeVar("R")
PERIOD = Period.parse("2026-03")
TYPES = ("pick_order", "pick_additional_unit", "packaging", "shipping", "receiving_unit")
COPY_CHARGES = (
    "COPY charges (provider_id, id, client_id, charge_type, source_type, source_id,"
    " occurred_at, service_date, billing_period, quantity, unit_price, amount_minor, currency,"
    " description, actor, created_at) FROM STDIN"
)
BASELINE = text(
    """
    SELECT client_id, SUM(amount_minor) FROM charges
    WHERE provider_id = :provider AND service_date < :end GROUP BY client_id
    """
)


BEFORE = """
import sys, time, uuid
from datetime import UTC, datetime
from crossdock.database import make_engine, make_session_factory
from domain.billing.periods import Period
from services.billing import bill_period
from tenants.unit_of_work import TenantUnitOfWork
factory = make_session_factory(make_engine(sys.argv[1]))
def unit():
    return TenantUnitOfWork.operator(factory, uuid.UUID(sys.argv[2]))
def run():
    bill_period(unit, Period.parse(sys.argv[3]), now=datetime(2026, 4, 2, 6, tzinfo=UTC))
run()  # warm: connections, compiled statements, as the in-process rounds are
started = time.perf_counter()
run()
print(time.perf_counter() - started)
"""
"""An earlier revision's refresh of every draft, timed in its own process (argv: app URL,
provider id, period)."""


def measure(fn: Callable[[], R]) -> tuple[R, float]:
    """`fn()`'s result and seconds (tracemalloc off: it slows Python, not the database)."""
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def peak_memory(fn: Callable[[], object]) -> float:
    """tracemalloc's peak in MiB while `fn()` runs (a separate, untimed run)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def seed(admin_url: str, clients: int, events: int) -> uuid.UUID:
    """A provider with `clients` clients, a default rate card and `events` charges per client."""
    engine = make_engine(admin_url)
    factory = make_session_factory(engine)
    with UnitOfWork(factory) as uow:
        provider, _ = service.create_provider(uow, "Bench Billing")
        uow.commit()
    with TenantUnitOfWork.operator(factory, provider.id) as uow:
        made = [
            service.create_client(uow, f"C{number:04d}", f"Client {number}")
            for number in range(clients)
        ]
        codes = {client.id: client.code for client in made}
        create_rate_card(
            uow,
            NewRateCard(
                None, datetime(2026, 1, 1, tzinfo=UTC), "USD", {"pick_per_order": Decimal("0.35")}
            ),
        )
        uow.commit()
    engine.dispose()
    _copy_charges(admin_url, provider.id, codes, events)
    return provider.id


def _copy_charges(
    admin_url: str, provider_id: uuid.UUID, codes: dict[uuid.UUID, str], events: int
) -> None:
    start = datetime(2026, 3, 1, tzinfo=UTC)
    now = datetime.now(UTC)
    dsn = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as connection:
        with connection.cursor().copy(COPY_CHARGES) as copy:
            for client_id, code in codes.items():
                for g in range(1, events + 1):
                    units = 1 + g % 3
                    copy.write_row(
                        (
                            provider_id, new_id(), client_id, TYPES[g % 5], "order",
                            f"{code}-{g}", start + timedelta(seconds=g % 2678400),
                            PERIOD.start + timedelta(days=g % 31), PERIOD.start, units,
                            Decimal("0.35"), 35 * units + g % 7, "USD", "bench", "bench", now,
                        )
                    )  # fmt: skip
        connection.execute("ANALYZE charges")


def before_seconds(before: str, app_url: str, provider_id: uuid.UUID) -> float:
    """Seconds the revision checked out in `before` takes to refresh every draft."""
    out = subprocess.run(
        [sys.executable, "-c", BEFORE, app_url, str(provider_id), PERIOD.name],
        cwd=before,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.split()[-1])


def run(
    server_url: str,
    clients: int = 100,
    events: int = 10_000,
    keep: bool = False,
    rounds: int = 3,
    before: str | None = None,
) -> str:
    """Seed, then alternate invoicing every client and the baseline aggregate; the table."""
    database = create_database(server_url, name=f"crossdock_billing_{uuid.uuid4().hex[:6]}")
    try:
        started = time.perf_counter()
        provider_id = seed(database.admin_url, clients, events)
        seeding = time.perf_counter() - started
        engine = make_engine(database.app_url)
        factory = make_session_factory(engine)

        def open_unit() -> TenantUnitOfWork:
            return TenantUnitOfWork.operator(factory, provider_id)

        def invoice_all() -> dict[uuid.UUID, int]:
            bill_period(open_unit, PERIOD, now=datetime(2026, 4, 2, 6, tzinfo=UTC))
            with open_unit() as uow:
                rows = uow.execute(uow.select(Invoice, Invoice.client_id, Invoice.subtotal_minor))
                return {client: subtotal for client, subtotal in rows}

        def baseline() -> dict[uuid.UUID, int]:
            with open_unit() as uow:
                rows = uow.session.execute(BASELINE, {"provider": provider_id, "end": PERIOD.end})
                return {client: int(total) for client, total in rows}

        _, first = measure(invoice_all)
        runs: dict[str, list[float]] = {"bill_period": [], "GROUP BY": []}
        if before:
            runs["before"] = []
        for _ in range(rounds):
            if before:
                runs["before"].append(before_seconds(before, database.app_url, provider_id))
            invoiced, seconds = measure(invoice_all)
            runs["bill_period"].append(seconds)
            summed, seconds = measure(baseline)
            runs["GROUP BY"].append(seconds)
            assert invoiced == summed, "invoice subtotals differ from the SQL aggregate"
            assert len(invoiced) == clients
        peaks = {"bill_period": peak_memory(invoice_all), "GROUP BY": peak_memory(baseline)}
        labels = [("bill_period", "bill_period (refresh invoices + lines)")]
        if before:
            labels.append(("before", f"bill_period of {before} (same work)"))
        labels.append(("GROUP BY", "one SQL GROUP BY (baseline)"))
        engine.dispose()
        base = statistics.median(runs["GROUP BY"])
        rows = []
        for name, label in labels:
            median = statistics.median(runs[name])
            rows.append(
                [
                    label,
                    " ".join(f"{s:.2f}" for s in runs[name]),
                    f"{median:.2f}",
                    f"{median / base:.1f}",
                    f"{peaks[name]:.1f}" if name in peaks else "-",
                ]
            )
        title = (
            f"Billing: {clients} clients x {events:,} charges = {clients * events:,} charges "
            f"(seeded by COPY in {seeding:.0f} s), first run (creating the invoices) {first:.2f} s,"
            f" {rounds} interleaved rounds; totals match ({sum(summed.values()) / 100:,.2f} USD)"
        )
        header = ["what", "seconds per round", "median s", "x baseline", "peak MiB (tracemalloc)"]
        return table(title, rows, header)
    finally:
        if not keep:
            database.drop()


def main() -> None:
    """Command line: sizes as flags, server from CROSSDOCK_BENCH_POSTGRES_URL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--before", help="a checkout of an earlier revision to compare with")
    args = parser.parse_args()
    server = os.environ.get(
        "CROSSDOCK_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    print(run(server, args.clients, args.events, args.keep, args.rounds, args.before))


if __name__ == "__main__":
    main()
