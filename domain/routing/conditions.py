"""Whether an order meets a rule's conditions, and in words why (or why not)."""

from __future__ import annotations

from collections.abc import Callable

from domain.routing.facts import OrderFacts
from domain.routing.rules import Conditions


def normalise_postal(code: str) -> str:
    """A postal code or prefix compared without spaces or dashes, upper case."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def check(conditions: Conditions, order: OrderFacts) -> tuple[bool, str]:
    """(True, what matched) when every condition holds, else (False, the first that failed)."""
    met: list[str] = []
    for test in _TESTS:
        outcome = test(conditions, order)
        if outcome is None:
            continue
        ok, words = outcome
        if not ok:
            return False, words
        met.append(words)
    return True, "; ".join(met) if met else "no conditions: every order matches"


Outcome = tuple[bool, str] | None
"""None: the rule sets no such condition."""


def _listed(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def _skus(c: Conditions, order: OrderFacts) -> Outcome:
    if not c.skus:
        return None
    hits = sorted({line.sku for line in order.lines} & set(c.skus))
    if hits:
        return True, f"SKU {_listed(tuple(hits))} is ordered"
    return False, f"no line has a SKU in [{_listed(c.skus)}]"


def _product_tags(c: Conditions, order: OrderFacts) -> Outcome:
    if not c.product_tags:
        return None
    tags = set().union(*(line.tags for line in order.lines))
    hits = sorted(tags & set(c.product_tags))
    if hits:
        return True, f"a product is tagged {_listed(tuple(hits))}"
    return False, f"no product is tagged [{_listed(c.product_tags)}]"


def _countries(c: Conditions, order: OrderFacts) -> Outcome:
    if not c.countries:
        return None
    if order.country in c.countries:
        return True, f"country {order.country} is in [{_listed(c.countries)}]"
    return False, f"country {order.country} is not in [{_listed(c.countries)}]"


def _regions(c: Conditions, order: OrderFacts) -> Outcome:
    if not c.regions:
        return None
    region = order.subdivision
    if region in c.regions:
        return True, f"region {region} is in [{_listed(c.regions)}]"
    return False, f"region {region or '(none)'} is not in [{_listed(c.regions)}]"


def _postal_prefixes(c: Conditions, order: OrderFacts) -> Outcome:
    if not c.postal_prefixes:
        return None
    code = normalise_postal(order.postal_code)
    for prefix in c.postal_prefixes:
        if code.startswith(normalise_postal(prefix)):
            return True, f"postal code {order.postal_code} starts with {prefix}"
    return (
        False,
        f"postal code {order.postal_code} starts with none of [{_listed(c.postal_prefixes)}]",
    )


def _service_levels(c: Conditions, order: OrderFacts) -> Outcome:
    if not c.service_levels:
        return None
    if order.service_level in c.service_levels:
        return True, f"service level {order.service_level} is in [{_listed(c.service_levels)}]"
    return False, f"service level {order.service_level} is not in [{_listed(c.service_levels)}]"


def _order_tags(c: Conditions, order: OrderFacts) -> Outcome:
    if not c.order_tags:
        return None
    hits = sorted(order.tags & set(c.order_tags))
    if hits:
        return True, f"the order is tagged {_listed(tuple(hits))}"
    return False, f"the order has no tag in [{_listed(c.order_tags)}]"


def _order_value(c: Conditions, order: OrderFacts) -> Outcome:
    if c.min_order_value is None and c.max_order_value is None:
        return None
    value = order.value
    bound = c.min_order_value or c.max_order_value
    assert bound is not None
    if value is None or value.currency != bound.currency:
        return False, f"the order's value in {bound.currency} is not known"
    if c.min_order_value is not None and value.amount < c.min_order_value.amount:
        return False, f"order value {value.amount} {value.currency} is below the minimum"
    if c.max_order_value is not None and value.amount > c.max_order_value.amount:
        return False, f"order value {value.amount} {value.currency} is above the maximum"
    return True, f"order value {value.amount} {value.currency} is within bounds"


_TESTS: tuple[Callable[[Conditions, OrderFacts], Outcome], ...] = (
    _skus,
    _product_tags,
    _countries,
    _regions,
    _postal_prefixes,
    _service_levels,
    _order_tags,
    _order_value,
)
