"""Routing rules as data: conditions an order must meet, and the sources that may serve it.

A client's rules are one ordered list, saved whole as a new version (`RuleSet`). The
first rule whose conditions all hold decides; with none, the default rule does (every
provider warehouse, the one holding most stock first: the allocation Crossdock always had).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any


class SourceKind(StrEnum):
    """What kind of place ships a fulfillment order."""

    WAREHOUSE = "warehouse"
    """A building of the provider's (the 3PL)."""
    MERCHANT_LOCATION = "merchant_location"
    """The client's own premises; the client fulfils by hand."""
    SUPPLIER = "supplier"
    """A drop-ship supplier shipping straight to the customer."""


class SourceOrder(StrEnum):
    """In which order a rule's sources are tried."""

    LISTED = "listed"
    """As listed in the rule: the first is preferred."""
    MOST_AVAILABLE = "most_available"
    """The source holding most of the wanted units first, then by code."""


class WhenShort(StrEnum):
    """What happens to units no listed source can serve now."""

    BACKORDER = "backorder"
    """They wait for stock at the listed sources."""
    SUPPLIER = "supplier"
    """They go to any of the client's suppliers that reports the product available."""


@dataclass(frozen=True, order=True)
class SourceRef:
    """A source by kind and id (a merchant location is a warehouse row owned by a client)."""

    kind: SourceKind
    id: uuid.UUID

    @property
    def is_supplier(self) -> bool:
        """Whether a supplier serves (otherwise a warehouse row: the provider's or a client's)."""
        return self.kind is SourceKind.SUPPLIER


@dataclass(frozen=True)
class Money:
    """An amount in a currency (ISO 4217)."""

    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Conditions:
    """What an order must look like for a rule to apply; an empty list is no condition.

    Within one list any entry matches; all non-empty lists must match.
    """

    skus: tuple[str, ...] = ()
    product_tags: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    """ISO 3166-2 subdivisions, e.g. US-CA."""
    postal_prefixes: tuple[str, ...] = ()
    service_levels: tuple[str, ...] = ()
    order_tags: tuple[str, ...] = ()
    min_order_value: Money | None = None
    max_order_value: Money | None = None

    @property
    def unconditional(self) -> bool:
        """Whether every order meets these conditions."""
        return self == Conditions()


@dataclass(frozen=True)
class Rule:
    """One routing rule: when it applies, who may serve, and how."""

    name: str
    conditions: Conditions = field(default_factory=Conditions)
    sources: tuple[SourceRef, ...] = ()
    source_order: SourceOrder = SourceOrder.LISTED
    allow_split: bool = True
    """Whether the order may be shared between sources."""
    prefer_complete: bool = True
    """Ship everything from one source when one can, before splitting."""
    when_short: WhenShort = WhenShort.BACKORDER


@dataclass(frozen=True)
class RuleSet:
    """A client's rules at one version (version 0: none saved yet, the default rule alone)."""

    version: int = 0
    rules: tuple[Rule, ...] = ()


DEFAULT_RULE_NAME = "default"


def default_rule(warehouses: tuple[SourceRef, ...]) -> Rule:
    """Every provider warehouse, most stock first, complete when possible: today's allocation."""
    return Rule(
        name=DEFAULT_RULE_NAME,
        sources=warehouses,
        source_order=SourceOrder.MOST_AVAILABLE,
        allow_split=True,
        prefer_complete=True,
        when_short=WhenShort.BACKORDER,
    )


def rules_to_json(rules: tuple[Rule, ...]) -> list[dict[str, Any]]:
    """The rules as stored (JSON)."""
    return [_rule_to_json(rule) for rule in rules]


def rules_from_json(data: list[dict[str, Any]]) -> tuple[Rule, ...]:
    """The rules back from their stored form."""
    return tuple(_rule_from_json(item) for item in data)


def _money_to_json(money: Money | None) -> dict[str, str] | None:
    return None if money is None else {"amount": str(money.amount), "currency": money.currency}


def _money_from_json(data: dict[str, str] | None) -> Money | None:
    return None if data is None else Money(Decimal(data["amount"]), data["currency"])


def _rule_to_json(rule: Rule) -> dict[str, Any]:
    c = rule.conditions
    return {
        "name": rule.name,
        "conditions": {
            "skus": list(c.skus),
            "product_tags": list(c.product_tags),
            "countries": list(c.countries),
            "regions": list(c.regions),
            "postal_prefixes": list(c.postal_prefixes),
            "service_levels": list(c.service_levels),
            "order_tags": list(c.order_tags),
            "min_order_value": _money_to_json(c.min_order_value),
            "max_order_value": _money_to_json(c.max_order_value),
        },
        "sources": [{"kind": s.kind.value, "id": str(s.id)} for s in rule.sources],
        "source_order": rule.source_order.value,
        "allow_split": rule.allow_split,
        "prefer_complete": rule.prefer_complete,
        "when_short": rule.when_short.value,
    }


def _rule_from_json(data: dict[str, Any]) -> Rule:
    c = data["conditions"]
    return Rule(
        name=data["name"],
        conditions=Conditions(
            skus=tuple(c["skus"]),
            product_tags=tuple(c["product_tags"]),
            countries=tuple(c["countries"]),
            regions=tuple(c["regions"]),
            postal_prefixes=tuple(c["postal_prefixes"]),
            service_levels=tuple(c["service_levels"]),
            order_tags=tuple(c["order_tags"]),
            min_order_value=_money_from_json(c["min_order_value"]),
            max_order_value=_money_from_json(c["max_order_value"]),
        ),
        sources=tuple(
            SourceRef(SourceKind(s["kind"]), uuid.UUID(s["id"])) for s in data["sources"]
        ),
        source_order=SourceOrder(data["source_order"]),
        allow_split=data["allow_split"],
        prefer_complete=data["prefer_complete"],
        when_short=WhenShort(data["when_short"]),
    )
