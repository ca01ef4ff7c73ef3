"""Per-request loaders of order children: one SQL statement per relation per page."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session
from strawberry.dataloader import DataLoader

from api.context import Context
from domain.orders import queries
from domain.orders.models import FulfillmentOrder, FulfillmentOrderLine, OrderHold, OrderLine
from domain.routing import queries as routing_queries
from domain.routing.models import RoutingDecision
from tenants.scope import TenantScope

Children = Callable[[Session, TenantScope, Sequence[uuid.UUID]], dict[uuid.UUID, list[Any]]]


def _children(context: Context, query: Children) -> DataLoader[uuid.UUID, list[Any]]:
    async def load(parent_ids: list[uuid.UUID]) -> list[list[Any]]:
        groups = await context.read(query, list(parent_ids))
        return [groups.get(parent_id, []) for parent_id in parent_ids]

    return context.loader(("children", query), lambda: DataLoader(load_fn=load))


def lines_by_order(context: Context) -> DataLoader[uuid.UUID, list[OrderLine]]:
    """LinesByOrderLoader: each order's lines."""
    return _children(context, queries.lines_by_order)


def fulfillment_orders_by_order(context: Context) -> DataLoader[uuid.UUID, list[FulfillmentOrder]]:
    """FulfillmentOrdersByOrderLoader: each order's fulfillment orders."""
    return _children(context, queries.fulfillment_orders_by_order)


def lines_by_fulfillment_order(
    context: Context,
) -> DataLoader[uuid.UUID, list[FulfillmentOrderLine]]:
    """FulfillmentLinesByFulfillmentOrderLoader: each fulfillment order's lines."""
    return _children(context, queries.lines_by_fulfillment_order)


def holds_by_order(context: Context) -> DataLoader[uuid.UUID, list[OrderHold]]:
    """HoldsByOrderLoader: each order's holds."""
    return _children(context, queries.holds_by_order)


def decisions_by_order(context: Context) -> DataLoader[uuid.UUID, list[RoutingDecision]]:
    """RoutingDecisionsByOrderLoader: each order's routing decisions."""
    return _children(context, routing_queries.decisions_by_order)
