"""A supplier refused a fulfillment order: route its units on by the rules, or raise an exception.

The suppliers area has already cancelled the fulfillment order, given the supplier its
units back and taken them off the order's lines; here they find another source (never
the supplier that refused). When none can take any unit, the refused fulfillment order
is put in EXCEPTION so that a person looks; the units still wait, and the next stock
change routes them (which clears that exception).
"""

from __future__ import annotations

from domain.catalog.models import Product
from domain.orders import events
from domain.orders.models import (
    FulfillmentOrder,
    FulfillmentOrderLine,
    FulfillmentStatus,
    OrderLine,
)
from domain.orders.status import lock_order, refresh_status
from domain.routing.models import DecisionKind
from domain.routing.network import live_places, lock_levels, network_for, without
from domain.routing.orders import facts_of_order, route_and_allocate
from domain.routing.rule_sets import active_rule_set
from domain.routing.rules import SourceKind, SourceRef
from tenants.unit_of_work import TenantUnitOfWork


def reroute_rejected(uow: TenantUnitOfWork, refused: FulfillmentOrder) -> int:
    """Route the refused fulfillment order's units elsewhere; how many units found a source."""
    assert refused.supplier_id is not None
    products = sorted(
        set(
            uow.scalars(
                uow.select(FulfillmentOrderLine, FulfillmentOrderLine.product_id).where(
                    FulfillmentOrderLine.fulfillment_order_id == refused.id
                )
            )
        )
    )
    places = live_places(uow, [refused.client_id])
    levels = lock_levels(uow, products, places)
    order = lock_order(uow, refused.order_id)
    assert order is not None
    lines = list(
        uow.scalars(
            uow.select(OrderLine)
            .where(OrderLine.order_id == order.id)
            .order_by(OrderLine.line_number)
            .execution_options(populate_existing=True)
        )
    )
    catalog = {
        row.id: row
        for row in uow.scalars(
            uow.select(Product).where(Product.id.in_([line.product_id for line in lines]))
        )
    }
    rules = active_rule_set(uow, order.client_id)
    network = network_for(uow, order.client_id, places, levels, products, with_suppliers=True)
    network = without(network, SourceRef(SourceKind.SUPPLIER, refused.supplier_id))
    facts = facts_of_order(order, lines, catalog, set(products))
    _, reserved = route_and_allocate(
        uow, order, lines, facts, rules, network, levels, DecisionKind.REROUTE, always_record=True
    )
    if not reserved:
        refused.status = FulfillmentStatus.EXCEPTION
        events.order_exception(
            uow, order, refused, "the supplier refused and no other source can serve", None
        )
    refresh_status(uow, order)
    return reserved
