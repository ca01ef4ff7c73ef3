"""Mutations of orders, each with its own payload: translation to the domain, nothing more."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from strawberry.types import Info

from api.context import Context
from api.mutations import Payload, decode_id, mutate
from api.orders.inputs import (
    CancelOrderInput,
    CreateOrderInput,
    MarkDeliveredInput,
    MarkPackedInput,
    MarkShippedInput,
    PlaceOrderHoldInput,
    ReleaseOrderHoldInput,
    StartPickingInput,
    UpdateOrderShipToInput,
)
from api.orders.types import FulfillmentOrderType, OrderHoldType, OrderType
from api.permissions import requires
from domain.errors import UnmappedSkusError
from domain.inventory.ledger import StockMoved
from domain.orders import cancellation, creation, fulfillment, holds
from domain.orders.models import Order, OrderHold
from domain.orders.ship_to import update_ship_to
from tenants.unit_of_work import TenantUnitOfWork

_write = requires("orders:write")
_operate = requires("orders:write", provider_only=True)


@strawberry.type
class FulfillmentStepPayload(Payload):
    """What every step of a fulfillment order answers: the fulfillment order and its order."""

    fulfillment_order: FulfillmentOrderType | None = strawberry.field(
        default=None, description="The fulfillment order after the change; null when refused."
    )
    order: OrderType | None = strawberry.field(
        default=None, description="The order after the change; null when refused."
    )


S = TypeVar("S", bound=FulfillmentStepPayload)


def step_payload(kind: type[S]) -> Callable[[tuple[Any, Any]], S]:
    """Build `kind` from a step's (fulfillment order, order) rows."""

    def build(step: tuple[Any, Any]) -> S:
        fo, order = step
        return kind(
            fulfillment_order=FulfillmentOrderType.from_row(fo), order=OrderType.from_row(order)
        )

    return build


@strawberry.type
class CreateOrderPayload(Payload):
    order: OrderType | None = strawberry.field(
        default=None, description="The order after the change; null when refused."
    )
    created: bool | None = strawberry.field(
        default=None, description="False when this repeated an earlier request for the same order."
    )


@strawberry.type
class HoldChangePayload(Payload):
    """What placing or releasing a hold answers: the hold and its order."""

    hold: OrderHoldType | None = strawberry.field(
        default=None, description="The hold after the change; null when refused."
    )
    order: OrderType | None = strawberry.field(
        default=None, description="The order after the change; null when refused."
    )


@strawberry.type
class PlaceOrderHoldPayload(HoldChangePayload):
    pass


@strawberry.type
class ReleaseOrderHoldPayload(HoldChangePayload):
    unmapped_skus: list[str] = strawberry.field(
        default_factory=list,
        description=(
            "Refused with UNMAPPED_SKU: the channel SKUs that still map to no product; "
            "empty otherwise."
        ),
    )


@strawberry.type
class CancelOrderPayload(Payload):
    order: OrderType | None = strawberry.field(
        default=None, description="The order after the change; null when refused."
    )


@strawberry.type
class UpdateOrderShipToPayload(Payload):
    order: OrderType | None = strawberry.field(
        default=None, description="The order after the change; null when refused."
    )


@strawberry.type
class StartPickingPayload(FulfillmentStepPayload):
    pass


@strawberry.type
class MarkPackedPayload(FulfillmentStepPayload):
    pass


@strawberry.type
class MarkShippedPayload(FulfillmentStepPayload):
    pass


@strawberry.type
class MarkDeliveredPayload(FulfillmentStepPayload):
    pass


H = TypeVar("H", bound=HoldChangePayload)


def _hold_payload(kind: type[H]) -> Callable[[tuple[Any, Any]], H]:
    def build(change: tuple[Any, Any]) -> H:
        hold, order = change
        return kind(hold=OrderHoldType.from_row(hold), order=OrderType.from_row(order))

    return build


async def _step(info: Info[Context, None], kind: type[S], step: Any, input: Any, *args: Any) -> S:
    return await mutate(
        info,
        kind,
        lambda uow: step(uow, decode_id(input.id, "FulfillmentOrder", "id"), *args),
        step_payload(kind),
    )


def _locked(input: CreateOrderInput) -> Callable[[Any], creation.CreatedOrder]:
    return lambda uow: creation.create_order(uow, input.command())


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[_write])
    async def create_order(
        self, info: Info[Context, None], input: CreateOrderInput
    ) -> CreateOrderPayload:
        """Create and allocate an order; repeating the same request returns the same order."""

        def done(made: creation.CreatedOrder) -> CreateOrderPayload:
            return CreateOrderPayload(order=OrderType.from_row(made.order), created=made.created)

        try:  # stock reserved at the end of the transaction, unless it went elsewhere
            return await mutate(
                info,
                CreateOrderPayload,
                lambda uow: creation.create_order(uow, input.command(), late=True),
                done,
            )
        except StockMoved:  # rolled back: again, with the levels locked before reading
            pass
        try:
            return await mutate(info, CreateOrderPayload, _locked(input), done)
        except StockMoved:  # deadlocked with a copy of itself, whose order now stands
            return await mutate(info, CreateOrderPayload, _locked(input), done)

    @strawberry.mutation(permission_classes=[_write])
    async def place_order_hold(
        self, info: Info[Context, None], input: PlaceOrderHoldInput
    ) -> PlaceOrderHoldPayload:
        """Hold an order back from fulfilment; a client may hold only for CLIENT_REQUEST."""
        return await mutate(
            info,
            PlaceOrderHoldPayload,
            lambda uow: holds.place_hold(
                uow, decode_id(input.id, "Order", "id"), input.reason, input.note
            ),
            _hold_payload(PlaceOrderHoldPayload),
        )

    @strawberry.mutation(permission_classes=[_write])
    async def release_order_hold(
        self, info: Info[Context, None], input: ReleaseOrderHoldInput
    ) -> ReleaseOrderHoldPayload:
        """Release a hold; with the last one gone the order resumes."""
        missing: list[str] = []

        def release(uow: TenantUnitOfWork) -> tuple[OrderHold, Order]:
            try:
                return holds.release_hold(uow, decode_id(input.id, "OrderHold", "id"))
            except UnmappedSkusError as error:
                missing.extend(error.skus)
                raise

        answer = await mutate(
            info, ReleaseOrderHoldPayload, release, _hold_payload(ReleaseOrderHoldPayload)
        )
        answer.unmapped_skus = missing
        return answer

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

    @strawberry.mutation(permission_classes=[_write])
    async def update_order_ship_to(
        self, info: Info[Context, None], input: UpdateOrderShipToInput
    ) -> UpdateOrderShipToPayload:
        """Correct an order's address until its parcels are packed (or while in EXCEPTION)."""
        return await mutate(
            info,
            UpdateOrderShipToPayload,
            lambda uow: update_ship_to(
                uow, decode_id(input.id, "Order", "id"), input.ship_to.ship_to()
            ),
            lambda row: UpdateOrderShipToPayload(order=OrderType.from_row(row)),
        )

    @strawberry.mutation(permission_classes=[_write])
    async def start_picking(
        self, info: Info[Context, None], input: StartPickingInput
    ) -> StartPickingPayload:
        """The warehouse (or a client, at its own merchant location) starts picking."""
        return await _step(info, StartPickingPayload, fulfillment.start_picking, input)

    @strawberry.mutation(permission_classes=[_write])
    async def mark_packed(
        self, info: Info[Context, None], input: MarkPackedInput
    ) -> MarkPackedPayload:
        """A fulfillment order is packed and ready for the carrier (a client: at its location)."""
        return await _step(info, MarkPackedPayload, fulfillment.mark_packed, input)

    @strawberry.mutation(permission_classes=[_write])
    async def mark_shipped(
        self, info: Info[Context, None], input: MarkShippedInput
    ) -> MarkShippedPayload:
        """The carrier has the parcel; carrier and tracking number as typed (a client: for its
        own merchant location's parcels)."""
        return await _step(
            info,
            MarkShippedPayload,
            fulfillment.mark_shipped,
            input,
            input.carrier,
            input.tracking_number,
        )

    @strawberry.mutation(permission_classes=[_operate])
    async def mark_delivered(
        self, info: Info[Context, None], input: MarkDeliveredInput
    ) -> MarkDeliveredPayload:
        """The carrier reports the parcel delivered."""
        return await _step(info, MarkDeliveredPayload, fulfillment.mark_delivered, input)
