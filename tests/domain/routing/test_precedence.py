"""Rule precedence and conditions, table-driven: rule set, stock, order -> assignment and why.

The routing function is pure, so each case states the whole world in a few lines:
sources W1, W2 (provider warehouses), M1 (a merchant location), S1 and S2 (suppliers);
SKUs A and B.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from domain.routing.decision import Verdict
from domain.routing.facts import LineFacts, Network, OrderFacts
from domain.routing.route import route
from domain.routing.rules import (
    Conditions,
    Money,
    Rule,
    RuleSet,
    SourceKind,
    SourceOrder,
    SourceRef,
    WhenShort,
)

SOURCES = {
    "W1": SourceRef(SourceKind.WAREHOUSE, uuid.UUID(int=1)),
    "W2": SourceRef(SourceKind.WAREHOUSE, uuid.UUID(int=2)),
    "M1": SourceRef(SourceKind.MERCHANT_LOCATION, uuid.UUID(int=3)),
    "S1": SourceRef(SourceKind.SUPPLIER, uuid.UUID(int=4)),
    "S2": SourceRef(SourceKind.SUPPLIER, uuid.UUID(int=5)),
}
CODE = {ref: code for code, ref in SOURCES.items()}
PRODUCTS = {"A": uuid.UUID(int=101), "B": uuid.UUID(int=102)}
TAGS = {"A": frozenset({"fragile"}), "B": frozenset()}
PRICE = {"A": Money(Decimal("10.00"), "EUR"), "B": Money(Decimal("25.00"), "EUR")}


@dataclass(frozen=True)
class Case:
    """One row of the table."""

    id: str
    rules: tuple[Rule, ...]
    stock: dict[tuple[str, str], int]
    order: tuple[tuple[str, int], ...]
    expected: dict[tuple[str, str], int]
    """(sku, source code) -> units assigned."""
    rule: str
    verdicts: dict[tuple[str, str], Verdict] = field(default_factory=dict)
    """Selected (sku, source code) -> verdict the explanation must give."""
    country: str = "DE"
    region: str | None = None
    postal_code: str = "10115"
    service_level: str = "standard"
    order_tags: frozenset[str] = frozenset()
    skipped: tuple[str, ...] = ()
    minimums: dict[tuple[str, str], int] = field(default_factory=dict)
    """(sku, supplier code) -> the supplier's minimum quantity for the product."""


def rule(name: str, *sources: str, **options: object) -> Rule:
    conditions = options.pop("when", Conditions())
    return Rule(
        name=name,
        conditions=conditions,  # type: ignore[arg-type]
        sources=tuple(SOURCES[s] for s in sources),
        **options,  # type: ignore[arg-type]
    )


EVERYWHERE = {("A", "W1"): 5, ("A", "W2"): 5, ("B", "W1"): 5, ("B", "W2"): 5}
V = Verdict
CASES = [
    Case("default rule: one warehouse ships all, most stock first",
         (), {("A", "W1"): 3, ("A", "W2"): 9, ("B", "W2"): 1},
         (("A", 2), ("B", 1)), {("A", "W2"): 2, ("B", "W2"): 1}, "default",
         {("A", "W2"): V.COMPLETE, ("A", "W1"): V.COMPLETE_ELSEWHERE}),
    Case("default rule: split per line, most stock of the line first",
         (), {("A", "W1"): 3, ("B", "W2"): 4},
         (("A", 2), ("B", 2)), {("A", "W1"): 2, ("B", "W2"): 2}, "default",
         {("A", "W1"): V.PREFERRED, ("A", "W2"): V.NOT_NEEDED}),
    Case("default rule never uses a merchant location",
         (), {("A", "M1"): 9}, (("A", 1),), {}, "default"),
    Case("default rule backorders what no warehouse has",
         (), {("A", "W1"): 1}, (("A", 3),), {("A", "W1"): 1}, "default"),
    Case("country condition matches",
         (rule("de", "W2", when=Conditions(countries=("DE",))),),
         EVERYWHERE, (("A", 1),), {("A", "W2"): 1}, "de"),
    Case("country condition fails: default rule decides",
         (rule("fr", "W2", when=Conditions(countries=("FR",))),),
         EVERYWHERE, (("A", 1),), {("A", "W1"): 1}, "default", skipped=("fr",)),
    Case("first matching rule wins over later ones",
         (rule("any-de", "W2", when=Conditions(countries=("DE",))),
          rule("berlin", "W1", when=Conditions(postal_prefixes=("10",)))),
         EVERYWHERE, (("A", 1),), {("A", "W2"): 1}, "any-de"),
    Case("postal prefix ignores spaces and case",
         (rule("london", "W2", when=Conditions(postal_prefixes=("sw1",))),),
         EVERYWHERE, (("A", 1),), {("A", "W2"): 1}, "london",
         country="GB", postal_code="SW1A 1AA"),
    Case("region condition uses ISO 3166-2",
         (rule("california", "W2", when=Conditions(regions=("US-CA",))),),
         EVERYWHERE, (("A", 1),), {("A", "W2"): 1}, "california",
         country="US", region="CA", postal_code="94105"),
    Case("region condition fails without a region",
         (rule("california", "W2", when=Conditions(regions=("US-CA",))),),
         EVERYWHERE, (("A", 1),), {("A", "W1"): 1}, "default",
         country="US", postal_code="94105", skipped=("california",)),
    Case("service level condition",
         (rule("fast", "W2", when=Conditions(service_levels=("express",))),),
         EVERYWHERE, (("A", 1),), {("A", "W2"): 1}, "fast", service_level="express"),
    Case("SKU condition matches when any line has the SKU",
         (rule("b-orders", "W2", when=Conditions(skus=("B",))),),
         EVERYWHERE, (("A", 1), ("B", 1)), {("A", "W2"): 1, ("B", "W2"): 1}, "b-orders"),
    Case("product tag condition",
         (rule("fragile", "W2", when=Conditions(product_tags=("fragile",))),),
         EVERYWHERE, (("A", 1),), {("A", "W2"): 1}, "fragile"),
    Case("order tag condition",
         (rule("vip", "W2", when=Conditions(order_tags=("vip",))),),
         EVERYWHERE, (("A", 1),), {("A", "W2"): 1}, "vip", order_tags=frozenset({"vip"})),
    Case("order value above the minimum",
         (rule("big", "W2", when=Conditions(min_order_value=Money(Decimal("30"), "EUR"))),),
         EVERYWHERE, (("A", 1), ("B", 1)), {("A", "W2"): 1, ("B", "W2"): 1}, "big"),
    Case("order value below the minimum: rule skipped",
         (rule("big", "W2", when=Conditions(min_order_value=Money(Decimal("30"), "EUR"))),),
         EVERYWHERE, (("A", 2),), {("A", "W1"): 2}, "default", skipped=("big",)),
    Case("order value in another currency is unknown: rule skipped",
         (rule("big-usd", "W2", when=Conditions(min_order_value=Money(Decimal("1"), "USD"))),),
         EVERYWHERE, (("A", 1),), {("A", "W1"): 1}, "default", skipped=("big-usd",)),
    Case("all conditions of a rule must hold",
         (rule("de-express", "W2",
               when=Conditions(countries=("DE",), service_levels=("express",))),),
         EVERYWHERE, (("A", 1),), {("A", "W1"): 1}, "default", skipped=("de-express",)),
    Case("listed order: the first listed source is preferred even with less stock",
         (rule("m-first", "M1", "W1"),), {("A", "M1"): 1, ("A", "W1"): 9},
         (("A", 1),), {("A", "M1"): 1}, "m-first", {("A", "W1"): V.COMPLETE_ELSEWHERE}),
    Case("prefer complete: a later source ships everything rather than splitting",
         (rule("complete", "W1", "W2"),), {("A", "W1"): 2, ("B", "W1"): 0,
                                           ("A", "W2"): 2, ("B", "W2"): 2},
         (("A", 2), ("B", 2)), {("A", "W2"): 2, ("B", "W2"): 2}, "complete",
         {("A", "W1"): V.CANNOT_COMPLETE, ("A", "W2"): V.COMPLETE}),
    Case("without prefer complete each line takes the first source holding it",
         (rule("per-line", "W1", "W2", prefer_complete=False),),
         {("A", "W1"): 2, ("A", "W2"): 2, ("B", "W2"): 2},
         (("A", 2), ("B", 2)), {("A", "W1"): 2, ("B", "W2"): 2}, "per-line",
         {("A", "W1"): V.PREFERRED, ("A", "W2"): V.NOT_NEEDED, ("B", "W1"): V.NO_STOCK}),
    Case("a line splits across sources when allowed",
         (rule("split", "W1", "W2"),), {("A", "W1"): 2, ("A", "W2"): 2},
         (("A", 3),), {("A", "W1"): 2, ("A", "W2"): 1}, "split"),
    Case("no split: nobody ships complete, so everything waits",
         (rule("whole", "W1", "W2", allow_split=False),), {("A", "W1"): 2, ("B", "W2"): 2},
         (("A", 2), ("B", 2)), {}, "whole",
         {("A", "W1"): V.CANNOT_COMPLETE, ("B", "W2"): V.CANNOT_COMPLETE}),
    Case("no split: the one source that ships complete takes it all",
         (rule("whole", "W1", "W2", allow_split=False),), {("A", "W1"): 2, **EVERYWHERE},
         (("A", 2), ("B", 2)), {("A", "W1"): 2, ("B", "W1"): 2}, "whole"),
    Case("hybrid: the warehouse, then the merchant location, then a supplier",
         (rule("hybrid", "W1", "M1", "S1"),), {("A", "W1"): 1, ("A", "M1"): 1, ("A", "S1"): 2},
         (("A", 4),), {("A", "W1"): 1, ("A", "M1"): 1, ("A", "S1"): 2}, "hybrid"),
    Case("when short, units go to a supplier outside the rule",
         (rule("ship-or-supplier", "W1", when_short=WhenShort.SUPPLIER),),
         {("A", "W1"): 1, ("A", "S2"): 1, ("A", "S1"): 4},
         (("A", 3),), {("A", "W1"): 1, ("A", "S1"): 2}, "ship-or-supplier",
         {("A", "S1"): V.SHORT_FALLBACK, ("A", "S2"): V.NOT_NEEDED}),
    Case("when short with backorder, a supplier outside the rule is not used",
         (rule("backorder", "W1"),), {("A", "W1"): 1, ("A", "S1"): 4},
         (("A", 3),), {("A", "W1"): 1}, "backorder"),
    Case("most available among a rule's sources",
         (rule("most", "W1", "W2", source_order=SourceOrder.MOST_AVAILABLE),),
         {("A", "W1"): 2, ("A", "W2"): 7}, (("A", 1),), {("A", "W2"): 1}, "most"),
    Case("a source that is gone is passed over as unavailable",
         (rule("gone-first", "W2", "W1"),), {("A", "W1"): 2},
         (("A", 1),), {("A", "W1"): 1}, "gone-first", {("A", "W2"): V.UNAVAILABLE}),
    Case("a supplier whose minimum is not met is passed over for the next source",
         (rule("suppliers", "S1", "S2"),), {("A", "S1"): 9, ("A", "S2"): 9},
         (("A", 3),), {("A", "S2"): 3}, "suppliers",
         {("A", "S1"): V.BELOW_MINIMUM, ("A", "S2"): V.COMPLETE}, minimums={("A", "S1"): 5}),
    Case("a supplier's minimum met by the line: it ships",
         (rule("suppliers", "S1", "S2"),), {("A", "S1"): 9, ("A", "S2"): 9},
         (("A", 5),), {("A", "S1"): 5}, "suppliers",
         {("A", "S1"): V.COMPLETE}, minimums={("A", "S1"): 5}),
    Case("a supplier whose minimum exceeds the units short is passed over; they wait",
         (rule("wh-then-supplier", "W1", when_short=WhenShort.SUPPLIER),),
         {("A", "W1"): 2, ("A", "S1"): 9}, (("A", 3),), {("A", "W1"): 2}, "wh-then-supplier",
         {("A", "S1"): V.BELOW_MINIMUM}, minimums={("A", "S1"): 2}),
    Case("a supplier's minimum above the whole order: the next source ships it complete",
         (rule("supplier-first", "S1", "W1"),), {("A", "S1"): 4, ("A", "W1"): 9},
         (("A", 4),), {("A", "W1"): 4}, "supplier-first",
         {("A", "S1"): V.BELOW_MINIMUM, ("A", "W1"): V.COMPLETE}, minimums={("A", "S1"): 6}),
    Case("no split and prefer complete off: a supplier below its minimum still gets nothing",
         (rule("fill", "S1", "W1", prefer_complete=False),), {("A", "S1"): 9, ("A", "W1"): 9},
         (("A", 2),), {("A", "W1"): 2}, "fill",
         {("A", "S1"): V.BELOW_MINIMUM, ("A", "W1"): V.PREFERRED}, minimums={("A", "S1"): 3}),
]  # fmt: skip


def network(
    stock: dict[tuple[str, str], int],
    gone: tuple[str, ...] = (),
    minimums: dict[tuple[str, str], int] | None = None,
) -> Network:
    live = {ref: code for code, ref in SOURCES.items() if code not in gone}
    return Network(
        codes=live,
        warehouses=(SOURCES["W1"], SOURCES["W2"]),
        suppliers=(SOURCES["S1"], SOURCES["S2"]),
        available={(PRODUCTS[sku], SOURCES[code]): n for (sku, code), n in stock.items()},
        minimums={(PRODUCTS[sku], SOURCES[code]): n for (sku, code), n in (minimums or {}).items()},
    )


def facts(case: Case) -> OrderFacts:
    return OrderFacts(
        lines=tuple(
            LineFacts(n, PRODUCTS[sku], sku, qty, qty, TAGS[sku], PRICE[sku])
            for n, (sku, qty) in enumerate(case.order, start=1)
        ),
        country=case.country,
        region=case.region,
        postal_code=case.postal_code,
        service_level=case.service_level,
        tags=case.order_tags,
    )


def test_the_table_has_at_least_twenty_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rule_precedence_and_conditions(case: Case):
    # given
    gone = ("W2",) if case.id.startswith("a source that is gone") else ()
    # when
    world = network(case.stock, gone, case.minimums)
    decision = route(facts(case), RuleSet(version=1, rules=case.rules), world)
    # then: the assignment
    sku_of = {PRODUCTS[sku]: sku for sku in PRODUCTS}
    assigned = {(sku_of[p.product_id], CODE[p.source]): p.quantity for p in decision.picks}
    assert assigned == case.expected
    # and the explanation: the rule, the rules skipped, and the verdicts asked for
    assert decision.rule_name == case.rule
    assert tuple(s.name for s in decision.skipped) == case.skipped
    assert all(s.reason for s in decision.skipped)
    verdicts = {
        (line.sku, CODE[c.source]): c.verdict for line in decision.lines for c in line.candidates
    }
    for key, verdict in case.verdicts.items():
        assert verdicts[key] is verdict, key
    for line in decision.lines:
        assert line.backordered == line.quantity - sum(c.assigned for c in line.candidates)
        assert all(c.assigned <= max(c.available, 0) for c in line.candidates)
