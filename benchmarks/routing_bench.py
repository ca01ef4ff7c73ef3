"""Routing: orders/s created through 50 rules over 20 sources against the default rule, the
`explainRouting` latency, and the routing function's cost by the position of the matching rule.

    .venv/bin/python -m benchmarks.routing_bench [--orders 300] [--rounds 3] [--keep]

Needs PostgreSQL (CROSSDOCK_BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/
postgres); creates and drops its own database. Creation runs in rounds that alternate the two
rule sets (A, B, A, B, ...) on the same client data, and every order lands in the same database,
so the last rounds run against more stored orders than the first: routing reads the rules, the
places and the levels of the ordered products only, so the rate must not fall with them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.background_bench import postgres_url
from benchmarks.load import table
from benchmarks.seed import create_database
from crossdock.database import make_engine, make_session_factory
from domain.addresses import Address
from domain.catalog.locations import create_merchant_location
from domain.catalog.service import create_product, create_warehouse
from domain.inventory import ledger
from domain.inventory.models import MovementKind
from domain.orders.commands import CreateOrder, LineRequest
from domain.orders.creation import create_order
from domain.routing.explain import explain_routing
from domain.routing.facts import LineFacts, Network, OrderFacts
from domain.routing.route import route
from domain.routing.rule_sets import save_rules
from domain.routing.rules import Conditions, Rule, RuleSet, SourceKind, SourceRef
from persistence.unit_of_work import UnitOfWork
from tenants import service
from tenants.unit_of_work import TenantUnitOfWork

SOURCES = 20
RULES = 50
PRODUCTS = 40
PLACE = {
    "line1": "1 Dock Road",
    "city": "Hamburg",
    "postal_code": "20457",
    "country": "DE",
    "timezone": "Europe/Berlin",
}


def main() -> int:
    """Seed, measure, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=300, help="orders per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per rule set")
    parser.add_argument("--explains", type=int, default=300)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    database = create_database(postgres_url(), name=f"crossdock_routing_{uuid.uuid4().hex[:6]}")
    try:
        print(run(database.app_url, database.admin_url, args.orders, args.rounds, args.explains))
        print()
        print(route_by_position())
    finally:
        if not args.keep:
            database.drop()
    return 0


def run(app_url: str, admin_url: str, orders: int, rounds: int, explains: int) -> str:
    """Creation rate with 50 rules against the default rule, and the dry run's latency."""
    admin = make_session_factory(make_engine(admin_url))
    with UnitOfWork(admin) as unit:
        provider, _ = service.create_provider(unit, "Routing Bench")
        unit.commit()
    factory = make_session_factory(make_engine(app_url))
    ruled, plain, skus, sources = _seed(factory, provider.id)
    rng = random.Random(11)
    rates: dict[str, list[float]] = {"50 rules, 20 sources": [], "default rule": []}
    serial = 0
    for _ in range(rounds):
        for label, client in (("50 rules, 20 sources", ruled), ("default rule", plain)):
            commands = []
            for _ in range(orders):
                serial += 1
                commands.append(_command(rng, f"B-{serial}", skus, client))
            started = time.perf_counter()
            for command in commands:
                with TenantUnitOfWork.operator(factory, provider.id) as uow:
                    create_order(uow, command)
                    uow.commit()
            rates[label].append(orders / (time.perf_counter() - started))
    rows = [
        [label, f"{statistics.median(values):.0f}", " ".join(f"{v:.0f}" for v in values)]
        for label, values in rates.items()
    ]
    ratio = statistics.median(rates["50 rules, 20 sources"]) / statistics.median(
        rates["default rule"]
    )
    rows.append(["ratio (rules / default)", f"{ratio:.2f}", ""])
    latencies = []
    for i in range(explains):
        command = _command(rng, f"X-{i}", skus, ruled)
        started = time.perf_counter()
        with TenantUnitOfWork.operator(factory, provider.id) as uow:
            explain_routing(uow, command)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    rows.append(
        [
            "explainRouting (domain, one transaction)",
            f"p50 {statistics.median(latencies):.2f} ms",
            f"p95 {latencies[int(len(latencies) * 0.95)]:.2f} ms",
        ]
    )
    header = ["createOrder through", "orders/s (median)", "per round (A,B alternating)"]
    return table(
        f"Routing: {orders} orders per round, {rounds} rounds each, {SOURCES} sources, "
        f"{sources} with stock of every product",
        rows,
        header,
    )


def _seed(factory, provider_id):
    with TenantUnitOfWork.operator(factory, provider_id) as uow:
        ruled = service.create_client(uow, "RULED", "Ruled client").id
        plain = service.create_client(uow, "PLAIN", "Default-rule client").id
        places = [
            create_warehouse(uow, {"code": f"WH-{n:02d}", "name": f"WH {n}", **_address()}).id
            for n in range(SOURCES - 2)
        ]
        places += [
            create_merchant_location(
                uow, ruled, {"code": f"SHOP-{n}", "name": f"Shop {n}", **_address()}
            ).id
            for n in range(2)
        ]
        skus = [f"SKU-{n:03d}" for n in range(PRODUCTS)]
        for client in (ruled, plain):
            for sku in skus:
                product = create_product(uow, client, {"sku": sku, "name": sku})
                for place in places[: SOURCES - 2] if client == plain else places:
                    level = ledger.ensure_level(uow, client, product.id, place)
                    ledger.post(uow, level, MovementKind.RECEIPT, on_hand=1_000_000)
        kinds = [SourceKind.WAREHOUSE] * (SOURCES - 2) + [SourceKind.MERCHANT_LOCATION] * 2
        refs = [SourceRef(kind, place) for kind, place in zip(kinds, places, strict=True)]
        rules = [
            Rule(
                name=f"zone-{n:02d}",
                conditions=Conditions(postal_prefixes=(f"{n:02d}",)),
                sources=tuple(refs[(n + k) % SOURCES] for k in range(3)),
            )
            for n in range(RULES - 1)
        ] + [Rule(name="rest", sources=tuple(refs))]
        save_rules(uow, ruled, tuple(rules))
        uow.commit()
    return ruled, plain, skus, len(places)


def _address() -> dict[str, str]:
    return {
        "address_line1": PLACE["line1"],
        "address_line2": None,
        "city": PLACE["city"],
        "region": None,
        "postal_code": PLACE["postal_code"],
        "country": PLACE["country"],
        "timezone": PLACE["timezone"],
    }


def _command(rng: random.Random, reference: str, skus: list[str], client) -> CreateOrder:
    lines = rng.sample(skus, 3)
    return CreateOrder(
        external_reference=reference,
        client_id=client,
        ship_to=Address(
            name="Bench",
            line1="1 Test St",
            city="Berlin",
            postal_code=f"{rng.randrange(0, 60):02d}115",
            country="DE",
        ),
        lines=tuple(LineRequest(sku, rng.randrange(1, 4)) for sku in lines),
    )


def route_by_position(repeat: int = 2_000) -> str:
    """The pure routing function's time by the position of the rule an order meets."""
    refs = [SourceRef(SourceKind.WAREHOUSE, uuid.UUID(int=n + 1)) for n in range(SOURCES)]
    products = [uuid.UUID(int=1000 + n) for n in range(3)]
    network = Network(
        codes={ref: f"WH-{n:02d}" for n, ref in enumerate(refs)},
        warehouses=tuple(refs),
        available={(p, ref): 50 for p in products for ref in refs},
    )
    rules = RuleSet(
        version=1,
        rules=tuple(
            Rule(f"zone-{n:02d}", Conditions(postal_prefixes=(f"{n:02d}",)), tuple(refs[:3]))
            for n in range(RULES)
        ),
    )
    rows = []
    for label, postal, rule_set in (
        ("default rule (no rules)", "99115", RuleSet()),
        ("rule 1 of 50 matches", "00115", rules),
        ("rule 25 of 50 matches", "24115", rules),
        ("rule 50 of 50 matches", "49115", rules),
        ("no rule of 50 matches (default)", "99115", rules),
    ):
        order = OrderFacts(
            lines=tuple(LineFacts(n, p, f"S{n}", 2, 2) for n, p in enumerate(products, 1)),
            country="DE",
            postal_code=postal,
            service_level="standard",
        )
        started = time.perf_counter()
        for _ in range(repeat):
            route(order, rule_set, network)
        rows.append([label, f"{(time.perf_counter() - started) / repeat * 1e6:.1f} µs"])
    return table(
        f"route() alone: 3 lines, {SOURCES} sources, {repeat} calls each",
        rows,
        ["the order meets", "per decision"],
    )


if __name__ == "__main__":
    raise SystemExit(main())
