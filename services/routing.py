"""Routing entry points for other areas: a supplier's refusal, a supplier's new stock."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from domain.orders.backorders import allocate_backorders
from domain.orders.models import FulfillmentOrder
from domain.routing.rejection import reroute_rejected
from tenants.unit_of_work import TenantUnitOfWork


def reroute_after_rejection(uow: TenantUnitOfWork, fulfillment_order: FulfillmentOrder) -> None:
    """Route a refused supplier fulfillment order's units on by the client's rules, or put the
    order in EXCEPTION when nothing can serve. Called in the rejection's unit of work."""
    reroute_rejected(uow, fulfillment_order)


def reroute_after_supplier_stock(uow: TenantUnitOfWork, product_ids: Iterable[uuid.UUID]) -> int:
    """A supplier reported stock: route waiting units of these products, oldest first.

    It locks inventory levels, then waiting orders, then supplier stock: a caller that
    changed supplier stock in the same transaction takes the first two beforehand.
    """
    return allocate_backorders(uow, product_ids)
