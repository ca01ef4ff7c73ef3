"""Re-routing waiting units when stock changes or a hold is released, oldest order first."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence

from domain.catalog.models import Product
from domain.inventory import ledger
from domain.inventory.models import InventoryLevel
from domain.orders.models import FulfillmentOrder, Order, OrderLine
from domain.orders.status import refresh_status
from domain.routing.models import DecisionKind
from domain.routing.network import Place, network_for, without
from domain.routing.orders import facts_of_order, route_and_allocate, uses_suppliers
from domain.routing.rule_sets import active_rule_sets
from domain.routing.rules import SourceKind, SourceRef
from tenants.unit_of_work import TenantUnitOfWork


def reroute_waiting(
    uow: TenantUnitOfWork,
    waiting: Sequence[Order],
    product_ids: Iterable[uuid.UUID],
    levels: dict[ledger.LevelKey, InventoryLevel],
    places: list[Place],
) -> int:
    """Route the open units of these products on `waiting` orders (in that order) under each
    client's rules; how many orders got units. `levels` are locked by the caller.
    """
    routable = set(product_ids)
    if not waiting or not routable:
        return 0
    lines = _lines_of(uow, [order.id for order in waiting])
    products = _products_of(uow, {line.product_id for rows in lines.values() for line in rows})
    rule_sets = active_rule_sets(uow, {order.client_id for order in waiting})
    any_supplier = any(uses_suppliers(rules) for rules in rule_sets.values())
    refused = _refusals(uow, [order.id for order in waiting]) if any_supplier else {}
    served = 0
    for order in waiting:
        if not any_supplier and not any(level.available > 0 for level in levels.values()):
            break
        rules = rule_sets[order.client_id]
        facts = facts_of_order(order, lines[order.id], products, routable)
        network = network_for(
            uow, order.client_id, places, levels, routable, with_suppliers=uses_suppliers(rules)
        )
        for supplier_id in refused.get(order.id, ()):  # a supplier that said no is not asked again
            network = without(network, SourceRef(SourceKind.SUPPLIER, supplier_id))
        _, reserved = route_and_allocate(
            uow, order, lines[order.id], facts, rules, network, levels, DecisionKind.REROUTE
        )
        if reserved:
            refresh_status(uow, order)
            served += 1
    return served


def _refusals(uow: TenantUnitOfWork, order_ids: list[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
    found: dict[uuid.UUID, set[uuid.UUID]] = {}
    for order_id, supplier_id in uow.execute(
        uow.select(FulfillmentOrder, FulfillmentOrder.order_id, FulfillmentOrder.supplier_id).where(
            FulfillmentOrder.order_id.in_(order_ids), FulfillmentOrder.rejected_at.is_not(None)
        )
    ):
        found.setdefault(order_id, set()).add(supplier_id)
    return found


def _lines_of(
    uow: TenantUnitOfWork, order_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[OrderLine]]:
    found: dict[uuid.UUID, list[OrderLine]] = {order_id: [] for order_id in order_ids}
    for line in uow.scalars(
        uow.select(OrderLine)
        .where(OrderLine.order_id.in_(order_ids))
        .order_by(OrderLine.order_id, OrderLine.line_number)
    ):
        found[line.order_id].append(line)
    return found


def _products_of(uow: TenantUnitOfWork, product_ids: set[uuid.UUID]) -> dict[uuid.UUID, Product]:
    rows = uow.scalars(uow.select(Product).where(Product.id.in_(sorted(product_ids))))
    return {row.id: row for row in rows}
