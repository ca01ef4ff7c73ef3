"""What routing looks at: the order (as facts) and the network of sources with their stock."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from domain.routing.rules import Money, SourceRef

StockKey = tuple[uuid.UUID, SourceRef]
"""(product_id, source)"""


@dataclass(frozen=True)
class LineFacts:
    """One order line as routing sees it; `quantity` is what still needs a source."""

    line_number: int
    product_id: uuid.UUID
    sku: str
    quantity: int
    ordered: int
    tags: frozenset[str] = frozenset()
    unit_value: Money | None = None


@dataclass(frozen=True)
class OrderFacts:
    """An order (or an order draft) as routing sees it."""

    lines: tuple[LineFacts, ...]
    country: str
    postal_code: str
    service_level: str
    region: str | None = None
    tags: frozenset[str] = frozenset()

    @property
    def value(self) -> Money | None:
        """The ordered lines' declared value; None when a product has none or currencies mix."""
        currencies = {line.unit_value.currency for line in self.lines if line.unit_value}
        if len(currencies) != 1 or any(line.unit_value is None for line in self.lines):
            return None
        total = sum(
            (line.unit_value.amount * line.ordered for line in self.lines if line.unit_value),
            Decimal(0),
        )
        return Money(total, currencies.pop())

    @property
    def subdivision(self) -> str | None:
        """The ISO 3166-2 code of the destination's region, e.g. US-CA."""
        if not self.region:
            return None
        region = self.region.strip().upper()
        return region if region.startswith(f"{self.country}-") else f"{self.country}-{region}"


@dataclass(frozen=True)
class Network:
    """The live sources routing may use for one client, and what each holds now."""

    codes: Mapping[SourceRef, str]
    """Every live source the client may be served from: its code."""
    warehouses: tuple[SourceRef, ...] = ()
    """The provider's live warehouses: the default rule's sources."""
    suppliers: tuple[SourceRef, ...] = ()
    """The client's live suppliers: where short units go under `WhenShort.SUPPLIER`."""
    available: Mapping[StockKey, int] = field(default_factory=dict)
    minimums: Mapping[StockKey, int] = field(default_factory=dict)
    """A supplier's minimum quantity per fulfillment order of a product, when above 1."""

    def minimum(self, product_id: uuid.UUID, source: SourceRef) -> int:
        """The fewest units of the product the source ships at once (1 for most)."""
        return self.minimums.get((product_id, source), 1)
