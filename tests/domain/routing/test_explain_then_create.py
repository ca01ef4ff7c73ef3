"""Explaining then creating with unchanged stock gives the same assignment (property-based)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from domain.catalog.locations import create_merchant_location
from domain.orders.cancellation import cancel_order
from domain.orders.creation import create_order
from domain.orders.models import FulfillmentOrder, FulfillmentOrderLine, FulfillmentStatus
from domain.routing.explain import explain_routing
from domain.routing.rule_sets import save_rules
from domain.routing.rules import Conditions, Rule, SourceKind, SourceOrder, SourceRef
from services.stock import record_count
from tenants.unit_of_work import TenantUnitOfWork
from tests.domain.orders.conftest import Shop
from tests.factories_orders import ADDRESS, order_command, run

SKUS = ("SKU-1", "SKU-2", "SKU-3")
PLACES = ("WH-A", "WH-B", "SHOP")
CONDITIONS = st.sampled_from(
    [
        Conditions(countries=("GB",)),
        Conditions(countries=("DE",)),
        Conditions(postal_prefixes=("SW1",)),
        Conditions(service_levels=("express",)),
        Conditions(skus=("SKU-2",)),
        Conditions(order_tags=("vip",)),
    ]
)


@st.composite
def rules(draw: st.DrawFn) -> tuple[tuple[str, Conditions | None, tuple[str, ...], dict], ...]:
    count = draw(st.integers(0, 4))
    made = []
    for n in range(count):
        last = n == count - 1
        conditions = draw(st.none() | CONDITIONS) if last else draw(CONDITIONS)
        sources = draw(st.permutations(PLACES).map(lambda p: p[: draw(st.integers(1, 3))]))
        split = draw(st.booleans())
        options = {
            "allow_split": split,
            "prefer_complete": True if not split else draw(st.booleans()),
            "source_order": draw(st.sampled_from(list(SourceOrder))),
        }
        made.append((f"rule-{n}", conditions, tuple(sources), options))
    return tuple(made)


WORLDS = st.fixed_dictionaries(
    {
        "rules": rules(),
        "stock": st.dictionaries(
            st.tuples(st.sampled_from(SKUS), st.sampled_from(PLACES)), st.integers(0, 6)
        ),
        "lines": st.lists(
            st.tuples(st.sampled_from(SKUS), st.integers(1, 5)), min_size=1, max_size=3,
            unique_by=lambda line: line[0],
        ),
        "country": st.sampled_from(["GB", "DE"]),
        "service_level": st.sampled_from(["standard", "express"]),
        "tags": st.sampled_from([(), ("vip",)]),
    }
)  # fmt: skip


def assignment_of(shop: Shop, order_id) -> dict[tuple[str, str], int]:
    """(SKU, place code) -> units of the order's live fulfillment orders."""
    codes = {place_id: code for code, place_id in shop.warehouses.items()}
    skus = {product_id: sku for sku, product_id in shop.products.items()}
    with TenantUnitOfWork(shop.db.session_factory, shop.tenant.scope) as uow:
        rows = uow.session.execute(
            select(FulfillmentOrder.warehouse_id, FulfillmentOrderLine.product_id,
                   FulfillmentOrderLine.quantity)
            .join(FulfillmentOrderLine,
                  FulfillmentOrderLine.fulfillment_order_id == FulfillmentOrder.id)
            .where(FulfillmentOrder.order_id == order_id,
                   FulfillmentOrder.status == FulfillmentStatus.ALLOCATED)
        ).all()  # fmt: skip
    found: dict[tuple[str, str], int] = {}
    for warehouse_id, product_id, quantity in rows:
        key = (skus[product_id], codes[warehouse_id])
        found[key] = found.get(key, 0) + quantity
    return found


def test_explain_then_create_gives_the_same_assignment(shop):
    # given: A's shop beside WH-A and WH-B
    shop_row = run(shop.db, shop.provider, create_merchant_location, shop.tenant.clients["A"].id, {
        "code": "SHOP", "name": "A's shop", "address_line1": "1 High St", "city": "Leeds",
        "postal_code": "LS1 1AA", "country": "GB", "timezone": "Europe/London",
    })  # fmt: skip
    shop.warehouses["SHOP"] = shop_row.id
    client = shop.tenant.clients["A"].id
    refs = {
        code: SourceRef(
            SourceKind.MERCHANT_LOCATION if code == "SHOP" else SourceKind.WAREHOUSE,
            shop.warehouses[code],
        )
        for code in PLACES
    }
    serial = iter(range(10_000))

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(WORLDS)
    def check(world):
        # given: these rules and exactly this stock
        made_rules = tuple(
            Rule(name, conditions or Conditions(), tuple(refs[s] for s in sources), **options)
            for name, conditions, sources, options in world["rules"]
        )
        run(shop.db, shop.provider, save_rules, client, made_rules)
        for sku in SKUS:
            for place in PLACES:
                counted = world["stock"].get((sku, place), 0)
                run(shop.db, shop.provider, record_count, shop.products[sku],
                    shop.warehouses[place], counted)  # fmt: skip
        command = order_command(f"P-{next(serial)}", tuple(world["lines"]))
        command = replace(
            command,
            ship_to=replace(ADDRESS, country=world["country"]),
            service_level=world["service_level"],
            tags=world["tags"],
        )
        # when
        explained = run(shop.db, shop.client(), explain_routing, command)
        created = run(shop.db, shop.client(), create_order, command)
        # then
        codes = {ref: code for code, ref in refs.items()}
        skus = {product_id: sku for sku, product_id in shop.products.items()}
        expected: dict[tuple[str, str], int] = {}
        for pick in explained.picks:
            key = (skus[pick.product_id], codes[pick.source])
            expected[key] = expected.get(key, 0) + pick.quantity
        assert assignment_of(shop, created.order.id) == expected
        run(shop.db, shop.provider, cancel_order, created.order.id)

    check()
