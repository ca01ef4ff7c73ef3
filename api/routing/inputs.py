"""Inputs of routing: a client's rules, and their translation to domain rules."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.money import MoneyInput
from api.mutations import decode_id, optional_id
from api.orders.types import ServiceLevelEnum
from api.routing.types import SourceOrderEnum, WhenShortEnum
from domain.errors import DomainError, DomainErrorCode
from domain.routing.rules import (
    Conditions,
    Money,
    Rule,
    SourceKind,
    SourceOrder,
    SourceRef,
    WhenShort,
)


@strawberry.input(description="A source a rule may use: exactly one of its ids.")
class RoutingSourceInput:
    warehouse_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A provider warehouse or one of the client's merchant locations."
    )
    supplier_id: relay.GlobalID | None = strawberry.field(
        default=None, description="A supplier linked to the client's products."
    )

    def source(self, field: str) -> SourceRef:
        """The domain source; the warehouse row's kind is settled on saving."""
        if (self.warehouse_id is None) == (self.supplier_id is None):
            raise DomainError(
                DomainErrorCode.INVALID, "Give exactly one of warehouseId and supplierId.", field
            )
        if self.supplier_id is not None:
            return SourceRef(
                SourceKind.SUPPLIER, decode_id(self.supplier_id, "Supplier", f"{field}.supplierId")
            )
        return SourceRef(
            SourceKind.WAREHOUSE, decode_id(self.warehouse_id, "Warehouse", f"{field}.warehouseId")
        )


@strawberry.input(description="When a rule applies; lists left empty set no condition.")
class RoutingConditionsInput:
    skus: list[str] = strawberry.field(
        default_factory=list, description="Any line has one of these SKUs."
    )
    product_tags: list[str] = strawberry.field(
        default_factory=list, description="Any ordered product carries one of these tags."
    )
    countries: list[str] = strawberry.field(
        default_factory=list,
        description="Destination country (ISO 3166-1 alpha-2) is one of these.",
    )
    regions: list[str] = strawberry.field(
        default_factory=list,
        description="Destination region (ISO 3166-2, e.g. US-CA) is one of these.",
    )
    postal_prefixes: list[str] = strawberry.field(
        default_factory=list, description="Destination postal code starts with one of these."
    )
    service_levels: list[ServiceLevelEnum] = strawberry.field(  # type: ignore[valid-type]
        default_factory=list, description="The order's service level is one of these."
    )
    order_tags: list[str] = strawberry.field(
        default_factory=list, description="The order carries one of these tags."
    )
    min_order_value: MoneyInput | None = strawberry.field(
        default=None, description="The order's declared value is at least this."
    )
    max_order_value: MoneyInput | None = strawberry.field(
        default=None, description="The order's declared value is at most this."
    )

    def conditions(self) -> Conditions:
        """The domain conditions."""
        return Conditions(
            skus=tuple(self.skus),
            product_tags=tuple(self.product_tags),
            countries=tuple(self.countries),
            regions=tuple(self.regions),
            postal_prefixes=tuple(self.postal_prefixes),
            service_levels=tuple(str(level) for level in self.service_levels),
            order_tags=tuple(self.order_tags),
            min_order_value=_money(self.min_order_value),
            max_order_value=_money(self.max_order_value),
        )


def _money(value: MoneyInput | None) -> Money | None:
    return None if value is None else Money(value.amount, str(value.currency))


@strawberry.input(description="One routing rule.")
class RoutingRuleInput:
    name: str = strawberry.field(description="Unique among the client's rules.")
    conditions: RoutingConditionsInput | None = strawberry.field(
        default=None, description="When the rule applies; none: every order (the last rule)."
    )
    sources: list[RoutingSourceInput] = strawberry.field(
        default_factory=list, description="Who may serve, in preference order."
    )
    source_order: SourceOrderEnum = strawberry.field(  # type: ignore[valid-type]
        default=SourceOrder.LISTED, description="In which order the sources are tried."
    )
    allow_split: bool = strawberry.field(
        default=True, description="Whether the order may be split between sources."
    )
    prefer_complete: bool = strawberry.field(
        default=True, description="Ship everything from one source when one can, before splitting."
    )
    when_short: WhenShortEnum = strawberry.field(  # type: ignore[valid-type]
        default=WhenShort.BACKORDER, description="What happens to units the sources lack."
    )

    def rule(self, path: str) -> Rule:
        """The domain rule."""
        return Rule(
            name=self.name,
            conditions=self.conditions.conditions() if self.conditions else Conditions(),
            sources=tuple(
                source.source(f"{path}.sources.{i}") for i, source in enumerate(self.sources)
            ),
            source_order=SourceOrder(self.source_order),
            allow_split=self.allow_split,
            prefer_complete=self.prefer_complete,
            when_short=WhenShort(self.when_short),
        )


@strawberry.input(description="Replace a client's routing rules with a new version.")
class SetRoutingRulesInput:
    client_id: relay.GlobalID = strawberry.field(description="The client the rules are for.")
    rules: list[RoutingRuleInput] = strawberry.field(
        description="The whole ordered list; the first rule an order meets decides."
    )

    def domain(self) -> tuple[object, tuple[Rule, ...]]:
        """The client id and the domain rules."""
        client_id = optional_id(self.client_id, "Client", "clientId")
        return client_id, tuple(rule.rule(f"rules.{i}") for i, rule in enumerate(self.rules))


@strawberry.input(
    description="Move a fulfillment order that has not started picking to another source."
)
class RerouteFulfillmentOrderInput:
    id: relay.GlobalID = strawberry.field(description="The fulfillment order.")
    warehouse_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Where it goes: a provider warehouse, or a merchant location of the client.",
    )
    supplier_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Or a drop-ship supplier carrying its products (provider only)."
    )
    reason: str = strawberry.field(description="Why; kept beside the automatic decision.")

    def target(self) -> dict[str, object]:
        """The target as keyword arguments: exactly one of warehouse and supplier."""
        if (self.warehouse_id is None) == (self.supplier_id is None):
            raise DomainError(
                DomainErrorCode.INVALID, "Give exactly one of warehouseId and supplierId.", "id"
            )
        if self.supplier_id is not None:
            return {"supplier_id": decode_id(self.supplier_id, "Supplier", "supplierId")}
        return {"warehouse_id": decode_id(self.warehouse_id, "Warehouse", "warehouseId")}
