"""Routing real orders: facts from rows, the decision, the allocation it asks for, the record.

The routing function decides the sources; the existing allocation reserves stock per
warehouse (and the suppliers area per supplier). Creation and re-routing share this path.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

from domain.addresses import Address
from domain.catalog.models import Product
from domain.inventory import ledger
from domain.inventory.models import InventoryLevel
from domain.orders.allocation import allocate_picks
from domain.orders.models import FulfillmentOrder, FulfillmentStatus, Order, OrderLine
from domain.orders.planning import Pick as WarehousePick
from domain.routing import suppliers
from domain.routing.decision import Decision
from domain.routing.facts import LineFacts, Network, OrderFacts
from domain.routing.models import DecisionKind, RoutingDecision
from domain.routing.route import route
from domain.routing.rules import Money, RuleSet, WhenShort
from persistence.base import new_id
from tenants.unit_of_work import TenantUnitOfWork


def uses_suppliers(rule_set: RuleSet) -> bool:
    """Whether any rule can send units to a supplier (only then are supplier offers read)."""
    return any(
        rule.when_short is WhenShort.SUPPLIER or any(s.is_supplier for s in rule.sources)
        for rule in rule_set.rules
    )


def line_facts(line_number: int, product: Product, ordered: int, open_quantity: int) -> LineFacts:
    """One line as routing sees it."""
    value = None
    if product.declared_value is not None and product.currency:
        value = Money(product.declared_value, product.currency)
    return LineFacts(
        line_number=line_number,
        product_id=product.id,
        sku=product.sku,
        quantity=open_quantity,
        ordered=ordered,
        tags=frozenset(product.tags or ()),
        unit_value=value,
    )


def order_facts(
    ship_to: Address, service_level: str, tags: Sequence[str], lines: Sequence[LineFacts]
) -> OrderFacts:
    """An order (or a draft) as routing sees it."""
    return OrderFacts(
        lines=tuple(lines),
        country=ship_to.country,
        postal_code=ship_to.postal_code,
        region=ship_to.region,
        service_level=str(service_level),
        tags=frozenset(tags),
    )


def facts_of_order(
    order: Order,
    lines: Sequence[OrderLine],
    products: Mapping[uuid.UUID, Product],
    routable: set[uuid.UUID] | None = None,
) -> OrderFacts:
    """A stored order's facts: open units of `routable` products (all when None) need a source."""
    return order_facts(
        order.ship_to,
        order.service_level,
        order.tags or (),
        [
            line_facts(
                line.line_number,
                products[line.product_id],
                line.quantity,
                line.backordered_quantity if routable is None or line.product_id in routable else 0,
            )
            for line in lines
        ],
    )


def route_and_allocate(
    uow: TenantUnitOfWork,
    order: Order,
    lines: Sequence[OrderLine],
    facts: OrderFacts,
    rule_set: RuleSet,
    network: Network,
    levels: Mapping[ledger.LevelKey, InventoryLevel],
    kind: DecisionKind,
    *,
    always_record: bool = False,
    decision: Decision | None = None,
    locked: bool = True,
) -> tuple[Decision, int]:
    """Decide (unless `decision` was made from these facts already), reserve what the
    decision picks, record it; the decision and units reserved.

    A re-route that moves nothing is not recorded: only decisions that change the order are.
    Levels not `locked` are reserved by `ledger.reserve` (see `allocate_picks`).
    """
    if decision is None:
        decision = route(facts, rule_set, network)
    by_number = {line.line_number: line for line in lines}
    warehouse_picks = [
        WarehousePick(by_number[p.line_number].id, p.product_id, p.source.id, p.quantity)
        for p in decision.picks
        if not p.source.is_supplier
    ]
    reserved = allocate_picks(
        uow,
        order,
        lines,
        dict(levels),
        warehouse_picks,
        new_order=kind is DecisionKind.CREATION,
        locked=locked,
    )
    reserved += suppliers.assign(
        uow, order, by_number, [p for p in decision.picks if p.source.is_supplier]
    )
    if kind is DecisionKind.CREATION or reserved or always_record:
        record(uow, order, decision, kind)
    if reserved and kind is DecisionKind.REROUTE:
        _clear_refusals(uow, order)
    return decision, reserved


def _clear_refusals(uow: TenantUnitOfWork, order: Order) -> None:
    # A refused supplier order left in EXCEPTION (nothing could take its units) is settled
    # once its units are placed again.
    for fo in uow.scalars(
        uow.select(FulfillmentOrder).where(
            FulfillmentOrder.order_id == order.id,
            FulfillmentOrder.status == FulfillmentStatus.EXCEPTION,
            FulfillmentOrder.rejected_at.is_not(None),
        )
    ):
        fo.status = FulfillmentStatus.CANCELLED


def record(
    uow: TenantUnitOfWork,
    order: Order,
    decision: Decision,
    kind: DecisionKind,
    *,
    reason: str | None = None,
    fulfillment_order_id: uuid.UUID | None = None,
) -> RoutingDecision:
    """Store a decision beside the order."""
    row = RoutingDecision(
        provider_id=order.provider_id,
        id=new_id(),
        client_id=order.client_id,
        order_id=order.id,
        kind=kind,
        rule_set_version=decision.rule_set_version,
        rule_name=decision.rule_name[:100],
        explanation=decision.to_json(),
        reason=reason,
        fulfillment_order_id=fulfillment_order_id,
        actor=uow.scope.actor,
    )
    uow.add(row)
    return row
