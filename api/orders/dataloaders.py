"""Per-request loaders of order children: one SQL statement per relation per page."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.orm import Session
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.context import Context
from api.lookahead import MISSING, Relation, found, relation
from api.relay import by_id_relation
from domain.catalog.models import Product, Warehouse
from domain.orders import queries
from domain.orders.models import (
    FulfillmentOrder,
    FulfillmentOrderLine,
    Order,
    OrderHold,
    OrderLine,
)
from domain.routing import queries as routing_queries
from domain.routing.models import RoutingDecision
from tenants.models import Client
from tenants.scope import TenantScope

T = TypeVar("T")
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


# --- look-ahead: the same relations loaded with a page of their parents -------------------

ORDER_LINES = relation(
    Order, "lines", key="id", load=queries.lines_by_order, many=True, child=OrderLine
)
ORDER_FULFILLMENTS = relation(
    Order,
    "fulfillmentOrders",
    key="id",
    load=queries.fulfillment_orders_by_order,
    many=True,
    child=FulfillmentOrder,
)
ORDER_HOLDS = relation(Order, "holds", key="id", load=queries.holds_by_order, many=True)
FULFILLMENT_LINES = relation(
    FulfillmentOrder,
    "lines",
    key="id",
    load=queries.lines_by_fulfillment_order,
    many=True,
    child=FulfillmentOrderLine,
)
by_id_relation(Order, "client", "client_id", Client)
by_id_relation(OrderLine, "product", "product_id", Product)
by_id_relation(FulfillmentOrder, "warehouse", "warehouse_id", Warehouse)
by_id_relation(FulfillmentOrder, "order", "order_id", Order)
by_id_relation(FulfillmentOrderLine, "product", "product_id", Product)
by_id_relation(OrderHold, "order", "order_id", Order)


def children(
    info: Info[Context, None], declared: Relation, parent_id: uuid.UUID, convert: Callable[[Any], T]
) -> list[T] | Awaitable[list[T]]:
    """`declared`'s rows for one parent, converted: at once when looked ahead with the page,
    else an awaitable through the request's loader (one statement for all parents)."""
    rows = found(info.context, declared.store, parent_id)
    if rows is MISSING:
        return _converted(_children(info.context, declared.load).load(parent_id), convert)
    return [convert(row) for row in rows]


async def _converted(rows: Awaitable[list[Any]], convert: Callable[[Any], T]) -> list[T]:
    return [convert(row) for row in await rows]
