"""A routing decision with its explanation: the rule, each line's candidates, the result."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.routing.rules import SourceKind, SourceRef


class Verdict(StrEnum):
    """Why a candidate source was chosen for a line, or passed over."""

    COMPLETE = "complete"
    """Chosen: it ships the whole order, so the order is not split."""
    PREFERRED = "preferred"
    """Chosen: the first source in the rule's order holding the product."""
    SHORT_FALLBACK = "short_fallback"
    """Chosen: a supplier taking units the rule's sources lack."""
    MANUAL = "manual"
    """Chosen by a person overriding the automatic decision."""
    NO_STOCK = "no_stock"
    """Passed over: it holds none of the product now."""
    NOT_NEEDED = "not_needed"
    """Passed over: sources before it covered the line."""
    COMPLETE_ELSEWHERE = "complete_elsewhere"
    """Passed over: another source ships the whole order."""
    CANNOT_COMPLETE = "cannot_complete"
    """Passed over: the rule may not split the order, and this source cannot ship all of it."""
    BELOW_MINIMUM = "below_minimum"
    """Passed over: it would ship fewer units than the supplier's minimum quantity."""
    UNAVAILABLE = "unavailable"
    """Passed over: the source is archived or no longer exists."""
    OVERRIDDEN = "overridden"
    """Passed over: a person moved its units to another source."""

    @property
    def chosen(self) -> bool:
        """Whether the source serves (part of) the line."""
        return self in _CHOSEN


_CHOSEN = frozenset({Verdict.COMPLETE, Verdict.PREFERRED, Verdict.SHORT_FALLBACK, Verdict.MANUAL})


@dataclass(frozen=True)
class Candidate:
    """One source considered for one line."""

    source: SourceRef
    code: str
    available: int
    assigned: int
    verdict: Verdict


@dataclass(frozen=True)
class LineDecision:
    """How one line was routed."""

    line_number: int
    sku: str
    product_id: uuid.UUID
    quantity: int
    candidates: tuple[Candidate, ...]
    backordered: int
    note: str

    @property
    def assigned(self) -> int:
        """Units given a source."""
        return self.quantity - self.backordered


@dataclass(frozen=True)
class Pick:
    """Serve `quantity` of a line from `source`."""

    line_number: int
    product_id: uuid.UUID
    source: SourceRef
    quantity: int


@dataclass(frozen=True)
class SkippedRule:
    """A rule before the matching one, and the condition it failed."""

    index: int
    name: str
    reason: str


@dataclass(frozen=True)
class Decision:
    """What routing decided for an order, and why."""

    rule_set_version: int
    rule_index: int | None
    """Position of the matching rule in the rule set; None for the default rule."""
    rule_name: str
    rule_reason: str
    skipped: tuple[SkippedRule, ...]
    lines: tuple[LineDecision, ...]

    @property
    def picks(self) -> list[Pick]:
        """The assignment: every (line, source, quantity) chosen, in line then source order."""
        return [
            Pick(line.line_number, line.product_id, c.source, c.assigned)
            for line in self.lines
            for c in line.candidates
            if c.assigned > 0
        ]

    def assignment(self) -> dict[tuple[int, SourceRef], int]:
        """The picks as a mapping (line number, source) to units: for comparing decisions."""
        return {(p.line_number, p.source): p.quantity for p in self.picks}

    def to_json(self) -> dict[str, Any]:
        """The decision as stored with the order."""
        return {
            "rule_set_version": self.rule_set_version,
            "rule_index": self.rule_index,
            "rule_name": self.rule_name,
            "rule_reason": self.rule_reason,
            "skipped": [[s.index, s.name, s.reason] for s in self.skipped],
            "lines": [_line_to_json(line) for line in self.lines],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Decision:
        """The decision back from its stored form."""
        return cls(
            rule_set_version=data["rule_set_version"],
            rule_index=data["rule_index"],
            rule_name=data["rule_name"],
            rule_reason=data["rule_reason"],
            skipped=tuple(SkippedRule(i, n, r) for i, n, r in data["skipped"]),
            lines=tuple(_line_from_json(line) for line in data["lines"]),
        )


def _line_to_json(line: LineDecision) -> dict[str, Any]:
    return {
        "line_number": line.line_number,
        "sku": line.sku,
        "product_id": str(line.product_id),
        "quantity": line.quantity,
        "backordered": line.backordered,
        "note": line.note,
        "candidates": [
            [
                c.source.kind.value,
                str(c.source.id),
                c.code,
                c.available,
                c.assigned,
                c.verdict.value,
            ]
            for c in line.candidates
        ],
    }


def _line_from_json(data: dict[str, Any]) -> LineDecision:
    return LineDecision(
        line_number=data["line_number"],
        sku=data["sku"],
        product_id=uuid.UUID(data["product_id"]),
        quantity=data["quantity"],
        backordered=data["backordered"],
        note=data["note"],
        candidates=tuple(
            Candidate(SourceRef(SourceKind(k), uuid.UUID(i)), code, a, n, Verdict(v))
            for k, i, code, a, n, v in data["candidates"]
        ),
    )
