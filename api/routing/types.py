"""GraphQL types of routing: rule sets, sources, decisions and their explanations."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.descriptions import described_enum
from api.money import Money
from api.orders.types import ServiceLevelEnum
from api.relay import by_id
from domain.catalog.models import Warehouse
from domain.routing.decision import Candidate, Decision, LineDecision, Verdict
from domain.routing.models import DecisionKind, RoutingDecision, RoutingRuleSet
from domain.routing.rules import Money as DomainMoney
from domain.routing.rules import (
    Rule,
    SourceKind,
    SourceOrder,
    SourceRef,
    WhenShort,
    rules_from_json,
)
from tenants.models import Supplier

SourceKindEnum = described_enum(
    SourceKind,
    name="FulfillmentSourceKind",
    description="What kind of place ships a fulfillment order.",
    values={
        SourceKind.WAREHOUSE: "A warehouse of the provider (the 3PL).",
        SourceKind.MERCHANT_LOCATION: "The client's own premises; the client fulfils by hand.",
        SourceKind.SUPPLIER: "A drop-ship supplier shipping straight to the customer.",
    },
)
SourceOrderEnum = described_enum(
    SourceOrder,
    name="RoutingSourceOrder",
    description="In which order a rule's sources are tried.",
    values={
        SourceOrder.LISTED: "As listed: the first source is preferred.",
        SourceOrder.MOST_AVAILABLE: "The source holding most of the wanted units first.",
    },
)
WhenShortEnum = described_enum(
    WhenShort,
    name="RoutingWhenShort",
    description="What happens to units no listed source can serve now.",
    values={
        WhenShort.BACKORDER: "They wait for stock at the rule's sources.",
        WhenShort.SUPPLIER: "They go to any of the client's suppliers offering the product.",
    },
)
VerdictEnum = described_enum(
    Verdict,
    name="RoutingVerdict",
    description="Why a candidate source was chosen for a line, or passed over.",
    values={
        Verdict.COMPLETE: "Chosen: it ships the whole order, so the order is not split.",
        Verdict.PREFERRED: "Chosen: the first source in the rule's order holding the product.",
        Verdict.SHORT_FALLBACK: "Chosen: a supplier taking units the rule's sources lack.",
        Verdict.MANUAL: "Chosen by a person overriding the automatic decision.",
        Verdict.NO_STOCK: "Passed over: it holds none of the product now.",
        Verdict.NOT_NEEDED: "Passed over: sources before it covered the line.",
        Verdict.BELOW_MINIMUM: (
            "Passed over: it would ship fewer units than the supplier's minimum quantity."
        ),
        Verdict.COMPLETE_ELSEWHERE: "Passed over: another source ships the whole order.",
        Verdict.CANNOT_COMPLETE: (
            "Passed over: it cannot ship the whole order, which the rule wants complete."
        ),
        Verdict.UNAVAILABLE: "Passed over: the source is archived or no longer exists.",
        Verdict.OVERRIDDEN: "Passed over: a person moved its units to another source.",
    },
)
DecisionKindEnum = described_enum(
    DecisionKind,
    name="RoutingDecisionKind",
    description="What made a routing decision.",
    values={
        DecisionKind.CREATION: "The order was created.",
        DecisionKind.REROUTE: "Stock changed (a receipt, a cancellation, a supplier's update).",
        DecisionKind.OVERRIDE: "A person moved a fulfillment order to another source.",
    },
)

_TYPE_OF = {
    SourceKind.WAREHOUSE: "Warehouse",
    SourceKind.MERCHANT_LOCATION: "Warehouse",
    SourceKind.SUPPLIER: "Supplier",
}


@strawberry.type(name="FulfillmentSource")
class FulfillmentSourceType:
    """A place that can ship: a provider warehouse, a merchant location or a supplier."""

    kind: SourceKindEnum = strawberry.field(description="What kind of place it is.")  # type: ignore[valid-type]
    id: relay.GlobalID = strawberry.field(
        description="The Warehouse (also for a merchant location) or Supplier id."
    )
    known_code: strawberry.Private[str]
    row_id: strawberry.Private[uuid.UUID]

    @classmethod
    def of(cls, source: SourceRef, code: str = "") -> FulfillmentSourceType:
        """The source as shown; without a code, the code is looked up when asked for."""
        return cls(
            kind=source.kind,
            id=relay.GlobalID(_TYPE_OF[source.kind], str(source.id)),
            known_code=code,
            row_id=source.id,
        )

    @strawberry.field
    async def code(self, info: Info[Context, None]) -> str | None:
        """The source's code; null when it is no longer visible."""
        if self.known_code:
            return self.known_code
        model = Supplier if self.kind is SourceKind.SUPPLIER else Warehouse
        row = await by_id(info.context, model).load(self.row_id)
        return row.code if row else None


@strawberry.type(name="RoutingConditions")
class RoutingConditionsType:
    """What an order must look like for a rule to apply; an empty list is no condition."""

    skus: list[str] = strawberry.field(description="Any line has one of these SKUs.")
    product_tags: list[str] = strawberry.field(description="Any product carries one of these.")
    countries: list[str] = strawberry.field(description="The destination country is one of these.")
    regions: list[str] = strawberry.field(
        description="The destination region is one of these ISO 3166-2 codes, e.g. US-CA."
    )
    postal_prefixes: list[str] = strawberry.field(
        description="The destination postal code starts with one of these."
    )
    service_levels: list[ServiceLevelEnum] = strawberry.field(  # type: ignore[valid-type]
        description="The order's service level is one of these."
    )
    order_tags: list[str] = strawberry.field(description="The order carries one of these tags.")
    min_order_value: Money | None = strawberry.field(
        description="The order's declared value is at least this."
    )
    max_order_value: Money | None = strawberry.field(
        description="The order's declared value is at most this."
    )


def _money(value: DomainMoney | None) -> Money | None:
    return None if value is None else Money(amount=value.amount, currency=value.currency)


@strawberry.type(name="RoutingRule")
class RoutingRuleType:
    """One rule: when it applies, which sources may serve, and how."""

    position: int = strawberry.field(description="Its place in the list, from 0; first wins.")
    name: str = strawberry.field(description="The rule's name, unique among the client's rules.")
    conditions: RoutingConditionsType = strawberry.field(description="When the rule applies.")
    sources: list[FulfillmentSourceType] = strawberry.field(description="Who may serve.")
    source_order: SourceOrderEnum = strawberry.field(  # type: ignore[valid-type]
        description="In which order the sources are tried."
    )
    allow_split: bool = strawberry.field(description="Whether the order may be split.")
    prefer_complete: bool = strawberry.field(
        description="Ship everything from one source when one can, before splitting."
    )
    when_short: WhenShortEnum = strawberry.field(  # type: ignore[valid-type]
        description="What happens to units the sources lack."
    )

    @classmethod
    def of(cls, position: int, rule: Rule) -> RoutingRuleType:
        """The domain rule as shown."""
        c = rule.conditions
        return cls(
            position=position,
            name=rule.name,
            conditions=RoutingConditionsType(
                skus=list(c.skus),
                product_tags=list(c.product_tags),
                countries=list(c.countries),
                regions=list(c.regions),
                postal_prefixes=list(c.postal_prefixes),
                service_levels=list(c.service_levels),
                order_tags=list(c.order_tags),
                min_order_value=_money(c.min_order_value),
                max_order_value=_money(c.max_order_value),
            ),
            sources=[FulfillmentSourceType.of(s) for s in rule.sources],
            source_order=rule.source_order,
            allow_split=rule.allow_split,
            prefer_complete=rule.prefer_complete,
            when_short=rule.when_short,
        )


@strawberry.type(name="RoutingRuleSet")
class RoutingRuleSetType:
    """One saved version of a client's routing rules."""

    version: int = strawberry.field(description="Counts up from 1 with every save.")
    rules: list[RoutingRuleType] = strawberry.field(description="The rules, first match wins.")
    created_by: str = strawberry.field(description="Who saved it (`key:<prefix>`, `operator`).")
    created_at: datetime = strawberry.field(description="When it was saved.")

    @classmethod
    def of(cls, row: RoutingRuleSet) -> RoutingRuleSetType:
        """The stored version as shown."""
        return cls(
            version=row.version,
            rules=[
                RoutingRuleType.of(i, rule) for i, rule in enumerate(rules_from_json(row.rules))
            ],
            created_by=row.created_by,
            created_at=row.created_at,
        )


@strawberry.type(name="RoutingCandidate")
class RoutingCandidateType:
    """One source considered for one line."""

    source: FulfillmentSourceType = strawberry.field(description="The source.")
    available_quantity: int = strawberry.field(
        description="Units of the product it could give when considered."
    )
    assigned_quantity: int = strawberry.field(description="Units it was given.")
    verdict: VerdictEnum = strawberry.field(  # type: ignore[valid-type]
        description="Why it was chosen or passed over."
    )
    chosen: bool = strawberry.field(description="Whether it serves part of the line.")

    @classmethod
    def of(cls, candidate: Candidate) -> RoutingCandidateType:
        """The domain candidate as shown."""
        return cls(
            source=FulfillmentSourceType.of(candidate.source, candidate.code),
            available_quantity=candidate.available,
            assigned_quantity=candidate.assigned,
            verdict=candidate.verdict,
            chosen=candidate.verdict.chosen,
        )


@strawberry.type(name="RoutingLineDecision")
class RoutingLineDecisionType:
    """How one order line was routed."""

    line_number: int = strawberry.field(description="The line's position on the order, from 1.")
    sku: str = strawberry.field(description="The line's SKU.")
    quantity: int = strawberry.field(description="Units that needed a source.")
    assigned_quantity: int = strawberry.field(description="Units given a source.")
    backordered_quantity: int = strawberry.field(description="Units left waiting.")
    note: str = strawberry.field(description="The outcome in words.")
    candidates: list[RoutingCandidateType] = strawberry.field(
        description="Every source considered, in the order tried."
    )

    @classmethod
    def of(cls, line: LineDecision) -> RoutingLineDecisionType:
        """The domain line decision as shown."""
        return cls(
            line_number=line.line_number,
            sku=line.sku,
            quantity=line.quantity,
            assigned_quantity=line.assigned,
            backordered_quantity=line.backordered,
            note=line.note,
            candidates=[RoutingCandidateType.of(c) for c in line.candidates],
        )


@strawberry.type(name="SkippedRoutingRule")
class SkippedRoutingRuleType:
    """A rule tried before the one that matched, and the condition it failed."""

    position: int = strawberry.field(description="Its place in the list, from 0.")
    name: str = strawberry.field(description="Its name.")
    reason: str = strawberry.field(description="The condition the order failed, in words.")


@strawberry.type(name="RoutingExplanation")
class RoutingExplanationType:
    """Why routing decided as it did: the rule, and each line's candidates and result."""

    rule_set_version: int = strawberry.field(
        description="The version of the client's rules used; 0 when none were saved."
    )
    rule_position: int | None = strawberry.field(
        description="The matching rule's place in the list; null for the default rule."
    )
    rule_name: str = strawberry.field(description="The matching rule's name, or `default`.")
    rule_reason: str = strawberry.field(description="Why that rule applied, in words.")
    skipped_rules: list[SkippedRoutingRuleType] = strawberry.field(
        description="Rules tried before it, with the condition each failed."
    )
    lines: list[RoutingLineDecisionType] = strawberry.field(description="Each line's routing.")

    @classmethod
    def of(cls, decision: Decision) -> RoutingExplanationType:
        """The domain decision as shown."""
        return cls(
            rule_set_version=decision.rule_set_version,
            rule_position=decision.rule_index,
            rule_name=decision.rule_name,
            rule_reason=decision.rule_reason,
            skipped_rules=[
                SkippedRoutingRuleType(position=s.index, name=s.name, reason=s.reason)
                for s in decision.skipped
            ],
            lines=[RoutingLineDecisionType.of(line) for line in decision.lines],
        )


@strawberry.type(name="RoutingDecision")
class RoutingDecisionType:
    """A decision stored with an order: automatic (creation, re-route) or a person's override."""

    kind: DecisionKindEnum = strawberry.field(description="What made it.")  # type: ignore[valid-type]
    explanation: RoutingExplanationType = strawberry.field(description="What was decided, and why.")
    reason: str | None = strawberry.field(
        description="Why a person overrode the automatic decision; null for automatic ones."
    )
    actor: str = strawberry.field(description="Who decided (`key:<prefix>`, `operator`).")
    created_at: datetime = strawberry.field(description="When.")

    @classmethod
    def of(cls, row: RoutingDecision) -> RoutingDecisionType:
        """The stored decision as shown."""
        return cls(
            kind=row.kind,
            explanation=RoutingExplanationType.of(Decision.from_json(row.explanation)),
            reason=row.reason,
            actor=row.actor,
            created_at=row.created_at,
        )
