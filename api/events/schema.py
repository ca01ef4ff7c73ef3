"""Subscriptions to order, stock and shipment events, and the position a page reads from."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from starlette.websockets import WebSocket
from strawberry.types import Info

from api.context import Context
from api.events.feed import EventFeed
from api.events.position import now_millis, position_at, position_millis
from api.events.types import Event
from api.permissions import authenticated, requires

ORDER_TOPICS = ("order.",)
STOCK_TOPICS = ("stock.", "supplier_stock.")
SHIPMENT_TOPICS = ("shipment.", "fulfillment_order.")

After = Annotated[
    str | None,
    strawberry.argument(
        description="Start from this position (`Query.eventPosition`, asked for with the "
        "page's read, at most 10 minutes old) instead of from now: nothing committed after "
        "the read is missed; an event the read already reflected may come too. A bad one "
        "is refused with INVALID_EVENT_POSITION, a too-old one with EVENT_POSITION_EXPIRED."
    ),
]


async def _events(
    info: Info[Context, None], prefixes: tuple[str, ...], after: str | None
) -> AsyncGenerator[Event, None]:
    after_millis = None if after is None else position_millis(after, now_millis())
    feed = EventFeed(
        info.context.session_factory, await info.context.scope(), prefixes, after_millis
    )
    async for event in feed.follow():
        yield event


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[authenticated])
    def event_position(self, info: Info[Context, None]) -> str:
        """Where this read stands among events (opaque): give it as `after` to a subscription
        to hear everything from this read on; valid for 10 minutes.

        Taken when the request started, before any of its reads (over a WebSocket, when
        this field is resolved).
        """
        context = info.context
        started = now_millis() if isinstance(context.request, WebSocket) else context.started_ms
        return position_at(started)


@strawberry.type
class Subscription:
    @strawberry.subscription(permission_classes=[requires("orders:read")])
    async def order_events(
        self, info: Info[Context, None], after: After = None
    ) -> AsyncGenerator[Event, None]:
        """The caller's order events (`order.*`) from now on, or from `after`."""
        async for event in _events(info, ORDER_TOPICS, after):
            yield event

    @strawberry.subscription(permission_classes=[requires("inventory:read")])
    async def stock_events(
        self, info: Info[Context, None], after: After = None
    ) -> AsyncGenerator[Event, None]:
        """The caller's stock events (`stock.*`, `supplier_stock.*`) from now on, or from
        `after`; a supplier key hears only its own stock."""
        async for event in _events(info, STOCK_TOPICS, after):
            yield event

    @strawberry.subscription(permission_classes=[requires("orders:read")])
    async def shipment_events(
        self, info: Info[Context, None], after: After = None
    ) -> AsyncGenerator[Event, None]:
        """The caller's shipment and fulfillment order events from now on, or from `after`; a
        supplier key hears those of the fulfillment orders routed to it
        (`fulfillment_order.routed`, ...)."""
        async for event in _events(info, SHIPMENT_TOPICS, after):
            yield event
