"""With no rules, routing decides exactly what allocation always did (the legacy plan)."""

from __future__ import annotations

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.orders.planning import Need, plan
from domain.routing.facts import LineFacts, Network, OrderFacts
from domain.routing.route import route
from domain.routing.rules import RuleSet, SourceKind, SourceRef

WAREHOUSES = [uuid.UUID(int=i) for i in range(1, 5)]
PRODUCTS = [uuid.UUID(int=100 + i) for i in range(4)]


@st.composite
def worlds(draw: st.DrawFn) -> tuple[list[tuple[uuid.UUID, int]], dict, dict]:
    products = draw(st.lists(st.sampled_from(PRODUCTS), min_size=1, max_size=4, unique=True))
    lines = [(p, draw(st.integers(1, 8))) for p in products]
    warehouses = draw(st.lists(st.sampled_from(WAREHOUSES), min_size=1, max_size=4, unique=True))
    codes = {
        w: draw(st.sampled_from(["WH-A", "WH-B", "WH-C", "WH-D"])) + str(w.int) for w in warehouses
    }
    stock = {(p, w): draw(st.integers(0, 10)) for p in PRODUCTS for w in warehouses}
    return lines, codes, stock


@settings(max_examples=300, deadline=None, derandomize=True)
@given(worlds())
def test_no_rules_routes_like_the_legacy_allocation(world):
    # given
    lines, codes, stock = world
    line_ids = [uuid.UUID(int=1000 + n) for n in range(len(lines))]
    refs = {w: SourceRef(SourceKind.WAREHOUSE, w) for w in codes}
    order = OrderFacts(
        lines=tuple(
            LineFacts(n, p, f"SKU-{p.int}", q, q) for n, (p, q) in enumerate(lines, start=1)
        ),
        country="DE",
        postal_code="10115",
        service_level="standard",
    )
    network = Network(
        codes={refs[w]: code for w, code in codes.items()},
        warehouses=tuple(refs.values()),
        available={(p, refs[w]): n for (p, w), n in stock.items()},
    )
    # when
    decision = route(order, RuleSet(), network)
    legacy = plan([Need(line_ids[n], p, q) for n, (p, q) in enumerate(lines)], stock, codes)
    # then
    assert sorted((p.line_number, p.source.id, p.quantity) for p in decision.picks) == sorted(
        (line_ids.index(k.line_id) + 1, k.warehouse_id, k.quantity) for k in legacy
    )
    assert decision.rule_name == "default"
