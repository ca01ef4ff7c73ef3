"""Billing: time and peak memory to invoice many clients, beside one SQL aggregate as the baseline.

    .venv/bin/python -m benchmarks.billing_bench --clients 100 --events 10000

Charges are seeded by INSERT ... SELECT generate_series (several charge types per client),
then `bill_period` drafts every client's invoice as the application role, row-level security
on, exactly as the worker does. The baseline is the single GROUP BY the invoices must agree with.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import text

from benchmarks.load import table
from benchmarks.seed import create_database
from crossdock.database import make_engine, make_session_factory
from domain.billing.invoice_models import Invoice
from domain.billing.periods import Period
from domain.billing.rate_cards import NewRateCard, create_rate_card
from persistence.unit_of_work import UnitOfWork
from services.billing import bill_period
from tenants import service
from tenants.unit_of_work import TenantUnitOfWork

R = TypeVar("R")
PERIOD = Period.parse("2026-03")
SEED_CHARGES = text(
    """
    INSERT INTO charges (provider_id, id, client_id, charge_type, source_type, source_id,
        occurred_at, service_date, quantity, unit_price, amount_minor, currency, description,
        actor, created_at)
    SELECT c.provider_id, gen_random_uuid(), c.id,
        (ARRAY['pick_order', 'pick_additional_unit', 'packaging', 'shipping',
               'receiving_unit'])[1 + g % 5],
        'order', c.code || '-' || g,
        TIMESTAMPTZ '2026-03-01' + (g % 2678400) * INTERVAL '1 second',
        DATE '2026-03-01' + (g % 31), 1 + g % 3, 0.35, 35 * (1 + g % 3) + g % 7, 'USD',
        'bench', 'bench', now()
    FROM clients c CROSS JOIN generate_series(1, :events) AS g
    WHERE c.provider_id = :provider
    """
)
BASELINE = text(
    """
    SELECT client_id, SUM(amount_minor) FROM charges
    WHERE provider_id = :provider AND service_date < :end GROUP BY client_id
    """
)


def measure(fn: Callable[[], R]) -> tuple[R, float, float, int]:
    """`fn()`'s result, seconds, tracemalloc peak MiB, and max RSS growth KiB."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    started = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    return result, seconds, peak / 2**20, rss_growth


def seed(admin_url: str, clients: int, events: int) -> uuid.UUID:
    """A provider with `clients` clients, a default rate card and `events` charges per client."""
    engine = make_engine(admin_url)
    factory = make_session_factory(engine)
    with UnitOfWork(factory) as uow:
        provider, _ = service.create_provider(uow, "Bench Billing")
        uow.commit()
    with TenantUnitOfWork.operator(factory, provider.id) as uow:
        for number in range(clients):
            service.create_client(uow, f"C{number:04d}", f"Client {number}")
        create_rate_card(
            uow,
            NewRateCard(
                None, datetime(2026, 1, 1, tzinfo=UTC), "USD", {"pick_per_order": Decimal("0.35")}
            ),
        )
        uow.commit()
    with engine.begin() as connection:
        connection.execute(SEED_CHARGES, {"events": events, "provider": provider.id})
        connection.execute(text("ANALYZE charges"))
    engine.dispose()
    return provider.id


def run(server_url: str, clients: int = 100, events: int = 10_000, keep: bool = False) -> str:
    """Seed, invoice every client, run the baseline aggregate, check they agree; the table."""
    database = create_database(server_url, name=f"crossdock_billing_{uuid.uuid4().hex[:6]}")
    try:
        provider_id = seed(database.admin_url, clients, events)
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

        invoiced, t_invoice, mem_invoice, rss_invoice = measure(invoice_all)
        summed, t_base, mem_base, rss_base = measure(baseline)
        engine.dispose()
        assert invoiced == summed, "invoice subtotals differ from the SQL aggregate"
        assert len(invoiced) == clients
        rows = [
            [
                "bill_period (invoices + lines)",
                f"{t_invoice:.2f}",
                f"{mem_invoice:.1f}",
                str(rss_invoice),
            ],
            ["one SQL GROUP BY (baseline)", f"{t_base:.2f}", f"{mem_base:.1f}", str(rss_base)],
        ]
        title = (
            f"Billing: {clients} clients x {events:,} charges = {clients * events:,} "
            f"charges; totals match ({sum(summed.values()) / 100:,.2f} USD)"
        )
        return table(title, rows, ["what", "seconds", "peak MiB (tracemalloc)", "RSS growth KiB"])
    finally:
        if not keep:
            database.drop()


def main() -> None:
    """Command line: sizes as flags, server from CROSSDOCK_BENCH_POSTGRES_URL."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    server = os.environ.get(
        "CROSSDOCK_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    print(run(server, args.clients, args.events, args.keep))


if __name__ == "__main__":
    main()
