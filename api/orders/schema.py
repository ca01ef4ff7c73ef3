"""Queries of orders: the list and the lookups."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.change_feed import CHANGES_AFTER, read_list
from api.context import Context
from api.errors import PublicError
from api.listing import filter_id
from api.orders.filters import OrderFilterInput, OrderSort
from api.orders.inputs import CreateOrderInput
from api.orders.mutations import Mutation
from api.orders.types import OrderCheckType, OrderConnection, OrderStatusCountType, OrderType
from api.permissions import requires
from api.relay import by_id
from domain.orders.checking import check_orders
from domain.orders.commands import CreateOrder
from domain.orders.models import Order, OrderStatus
from domain.orders.queries import OrderFilter, count_by_status, orders_matching
from tenants.errors import UserFacingError
from tenants.unit_of_work import TenantUnitOfWork

__all__ = ["Mutation", "Query"]

_read = requires("orders:read")
_write = requires("orders:write")


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
        changes_after: Annotated[str | None, strawberry.argument(description=CHANGES_AFTER)] = None,
    ) -> OrderConnection:
        """The caller's orders, newest first unless sorted otherwise, or the changes to them
        after a change cursor (`changesAfter`), for keeping a copy in sync."""
        where = filter.domain() if filter else OrderFilter()
        return await read_list(
            info,
            OrderConnection,
            OrderType,
            lambda scope: orders_matching(scope, where),
            sort,
            OrderSort(),
            (first, after),
            changes_after,
        )

    @strawberry.field(permission_classes=[_read])
    async def order_status_counts(
        self,
        info: Info[Context, None],
        filter: Annotated[
            OrderFilterInput | None,
            strawberry.argument(description="Which orders to count; all when left out."),
        ] = None,
    ) -> list[OrderStatusCountType]:
        """How many of the caller's orders match `filter`, per state (states with none are
        left out), counted in the database: the order board's totals."""
        counts = await info.context.read(
            count_by_status, filter.domain() if filter else OrderFilter()
        )
        return [
            OrderStatusCountType(status=status, count=count)
            for status, count in sorted(
                counts.items(), key=lambda item: list(OrderStatus).index(item[0])
            )
        ]

    @strawberry.field(permission_classes=[_read])
    async def order(
        self,
        info: Info[Context, None],
        id: Annotated[relay.GlobalID | None, strawberry.argument(description="The order.")] = None,
        external_reference: Annotated[
            str | None, strawberry.argument(description="The client's own order id.")
        ] = None,
        client_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="The client whose order it is.")
        ] = None,
    ) -> OrderType | None:
        """One order by id, or by the client's own reference; null when it is not the caller's.

        With `externalReference`, a provider key names the client in `clientId` unless only
        one of its clients uses that reference; a client key always looks in its own orders.
        """
        if (id is None) == (external_reference is None):
            raise PublicError("BAD_USER_INPUT", "Give either id or externalReference.")
        if id is not None:
            row = await by_id(info.context, Order).load(filter_id(id, "Order"))
            return OrderType.from_row(row) if row else None
        where = OrderFilter(
            client_id=filter_id(client_id, "Client"), external_reference=external_reference
        )
        rows = await info.context.read(_first_two, where)
        if len(rows) > 1:
            raise PublicError(
                "BAD_USER_INPUT", "Several clients use this externalReference; give clientId."
            )
        return OrderType.from_row(rows[0]) if rows else None

    @strawberry.field(permission_classes=[_write])
    async def check_orders(
        self,
        info: Info[Context, None],
        orders: Annotated[
            list[CreateOrderInput],
            strawberry.argument(description="The orders as createOrder would take them; ≤ 500."),
        ],
    ) -> list[OrderCheckType]:
        """A dry run of createOrder for each order: new, existing (a re-send creates nothing)
        or refused with its userErrors. Nothing is written; an import checks its whole file
        first, then creates the rows.
        """
        commands = [_command_or_error(order) for order in orders]
        try:
            checks = await info.context.read(check_orders, commands)
        except UserFacingError as error:  # the batch as a whole (too many orders)
            raise PublicError("BAD_USER_INPUT", error.message) from None
        return [
            OrderCheckType.from_check(check, orders[check.index].external_reference)
            for check in checks
        ]


def _command_or_error(order: CreateOrderInput) -> CreateOrder | UserFacingError:
    try:
        return order.command()
    except UserFacingError as error:
        return error


def _first_two(uow: TenantUnitOfWork, where: OrderFilter) -> list[Order]:
    return list(uow.scalars(orders_matching(uow.scope, where).limit(2)))
