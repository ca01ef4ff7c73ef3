"""Subscriptions to order, stock and shipment events."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from api.context import Context
from api.events.feed import EventFeed
from api.events.types import Event
from api.permissions import requires

ORDER_TOPICS = ("order.",)
STOCK_TOPICS = ("stock.", "supplier_stock.")
SHIPMENT_TOPICS = ("shipment.", "fulfillment_order.")


async def _events(
    info: Info[Context, None], prefixes: tuple[str, ...]
) -> AsyncGenerator[Event, None]:
    feed = EventFeed(info.context.session_factory, await info.context.scope(), prefixes)
    async for event in feed.follow():
        yield event


@strawberry.type
class Subscription:
    @strawberry.subscription(permission_classes=[requires("orders:read")])
    async def order_events(self, info: Info[Context, None]) -> AsyncGenerator[Event, None]:
        """The caller's order events (`order.*`) from now on."""
        async for event in _events(info, ORDER_TOPICS):
            yield event

    @strawberry.subscription(permission_classes=[requires("inventory:read")])
    async def stock_events(self, info: Info[Context, None]) -> AsyncGenerator[Event, None]:
        """The caller's stock events (`stock.*`, `supplier_stock.*`) from now on; a supplier key
        hears only its own stock."""
        async for event in _events(info, STOCK_TOPICS):
            yield event

    @strawberry.subscription(permission_classes=[requires("orders:read")])
    async def shipment_events(self, info: Info[Context, None]) -> AsyncGenerator[Event, None]:
        """The caller's shipment and fulfillment order events from now on; a supplier key hears
        those of the fulfillment orders routed to it (`fulfillment_order.routed`, ...)."""
        async for event in _events(info, SHIPMENT_TOPICS):
            yield event
