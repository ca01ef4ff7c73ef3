"""Queries and mutations of orders: translation to the domain, nothing more."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context, parse_uuid
from api.mutations import decode_id, mutate
from api.orders.filters import OrderFilterInput, OrderSort
from api.orders.inputs import (
    CancelOrderInput,
    CancelOrderPayload,
    CreateOrderInput,
    CreateOrderPayload,
    FulfillmentOrderPayload,
    FulfillmentStepInput,
    MarkShippedInput,
    OrderHoldPayload,
    PlaceOrderHoldInput,
    ReleaseOrderHoldInput,
)
from api.orders.types import FulfillmentOrderType, OrderHoldType, OrderType
from api.permissions import requires
from api.relay import Page, by_id, connection, keyset_page
from domain.orders import cancellation, creation, fulfillment, holds
from domain.orders.models import Order
from domain.orders.queries import OrderFilter, orders_matching
from tenants.unit_of_work import TenantUnitOfWork

_read = requires("orders:read")
_write = requires("orders:write")
_operate = requires("orders:write", provider_only=True)


def _orders_page(where: OrderFilter, sort: OrderSort, page: Page):
    def run(uow: TenantUnitOfWork) -> tuple[list[Any], bool]:
        stmt = orders_matching(uow.scope, where)
        return keyset_page(uow.session, stmt, sort.columns, page, descending=sort.descending)

    return run


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[_read])
    async def orders(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: OrderFilterInput | None = None,
        sort: OrderSort | None = None,
    ) -> relay.Connection[OrderType]:
        """The caller's orders, newest first unless sorted otherwise."""
        page = Page.of(first, after)
        sort = sort or OrderSort()
        where = filter.domain() if filter else OrderFilter()
        rows, more = await info.context.read(_orders_page(where, sort, page))
        return connection(OrderType, rows, more, sort.keys, page)

    @strawberry.field(permission_classes=[_read])
    async def order(self, info: Info[Context, None], id: relay.GlobalID) -> OrderType | None:
        """One order by id; None when it is not the caller's."""
        if id.type_name != "Order":
            return None
        row = await by_id(info.context, Order).load(parse_uuid(id.node_id))
        return OrderType.from_row(row) if row else None


def _step_payload(step: tuple[Any, Any]) -> FulfillmentOrderPayload:
    fo, order = step
    return FulfillmentOrderPayload(
        fulfillment_order=FulfillmentOrderType.from_row(fo), order=OrderType.from_row(order)
    )


def _hold_payload(change: tuple[Any, Any]) -> OrderHoldPayload:
    hold, order = change
    return OrderHoldPayload(hold=OrderHoldType.from_row(hold), order=OrderType.from_row(order))


async def _step(info: Info[Context, None], step: Any, global_id: relay.GlobalID, *args: Any):
    return await mutate(
        info,
        FulfillmentOrderPayload,
        lambda uow: step(uow, decode_id(global_id, "FulfillmentOrder", "id"), *args),
        _step_payload,
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[_write])
    async def create_order(
        self, info: Info[Context, None], input: CreateOrderInput
    ) -> CreateOrderPayload:
        """Create and allocate an order; repeating the same request returns the same order."""
        return await mutate(
            info,
            CreateOrderPayload,
            lambda uow: creation.create_order(uow, input.command()),
            lambda made: CreateOrderPayload(
                order=OrderType.from_row(made.order), created=made.created
            ),
        )

    @strawberry.mutation(permission_classes=[_write])
    async def place_order_hold(
        self, info: Info[Context, None], input: PlaceOrderHoldInput
    ) -> OrderHoldPayload:
        """Hold an order back from fulfilment; a client may hold only for CLIENT_REQUEST."""
        return await mutate(
            info,
            OrderHoldPayload,
            lambda uow: holds.place_hold(
                uow,
                decode_id(input.order_id, "Order", "orderId"),
                input.reason,
                input.note,
            ),
            _hold_payload,
        )

    @strawberry.mutation(permission_classes=[_write])
    async def release_order_hold(
        self, info: Info[Context, None], input: ReleaseOrderHoldInput
    ) -> OrderHoldPayload:
        """Release a hold; with the last one gone the order resumes."""
        return await mutate(
            info,
            OrderHoldPayload,
            lambda uow: holds.release_hold(uow, decode_id(input.id, "OrderHold", "id")),
            _hold_payload,
        )

    @strawberry.mutation(permission_classes=[_write])
    async def cancel_order(
        self, info: Info[Context, None], input: CancelOrderInput
    ) -> CancelOrderPayload:
        """Cancel an order that has not shipped; its reserved stock is released."""
        return await mutate(
            info,
            CancelOrderPayload,
            lambda uow: cancellation.cancel_order(uow, decode_id(input.id, "Order", "id")),
            lambda order: CancelOrderPayload(order=OrderType.from_row(order)),
        )

    @strawberry.mutation(permission_classes=[_operate])
    async def start_picking(
        self, info: Info[Context, None], input: FulfillmentStepInput
    ) -> FulfillmentOrderPayload:
        """The warehouse starts picking a fulfillment order."""
        return await _step(info, fulfillment.start_picking, input.id)

    @strawberry.mutation(permission_classes=[_operate])
    async def mark_packed(
        self, info: Info[Context, None], input: FulfillmentStepInput
    ) -> FulfillmentOrderPayload:
        """A fulfillment order is packed and ready for the carrier."""
        return await _step(info, fulfillment.mark_packed, input.id)

    @strawberry.mutation(permission_classes=[_operate])
    async def mark_shipped(
        self, info: Info[Context, None], input: MarkShippedInput
    ) -> FulfillmentOrderPayload:
        """The carrier has the parcel; carrier and tracking number as typed by the operator."""
        return await _step(
            info, fulfillment.mark_shipped, input.id, input.carrier, input.tracking_number
        )

    @strawberry.mutation(permission_classes=[_operate])
    async def mark_delivered(
        self, info: Info[Context, None], input: FulfillmentStepInput
    ) -> FulfillmentOrderPayload:
        """The carrier reports the parcel delivered."""
        return await _step(info, fulfillment.mark_delivered, input.id)
