"""Queries of routing: a client's rules, and the `explainRouting` dry run."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.context import Context
from api.errors import UserError, user_errors
from api.listing import filter_id
from api.orders.inputs import CreateOrderInput
from api.permissions import requires
from api.routing.mutations import Mutation
from api.routing.types import RoutingExplanationType, RoutingRuleSetType
from domain.routing.explain import explain_routing
from domain.routing.rule_sets import rule_set_row
from tenants.errors import UserFacingError
from tenants.unit_of_work import TenantUnitOfWork

__all__ = ["Mutation", "Query"]

_read = requires("orders:read")


@strawberry.type(name="ExplainRoutingResult")
class ExplainRoutingResult:
    """The dry run's answer: the decision creation would make now, or why the draft is refused."""

    explanation: RoutingExplanationType | None = strawberry.field(
        description="What creating the order now would decide, and why; null when refused."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why the draft would be refused by createOrder; empty when it would not."
    )


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[_read])
    async def routing_rules(
        self,
        info: Info[Context, None],
        client_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="The client; a client key reads its own."),
        ] = None,
        version: Annotated[
            int | None, strawberry.argument(description="An earlier version; null: the latest.")
        ] = None,
    ) -> RoutingRuleSetType | None:
        """A client's routing rules in force (or an earlier version); null when none were saved."""

        def read(uow: TenantUnitOfWork) -> RoutingRuleSetType | None:
            client = filter_id(client_id, "Client") or uow.scope.client_id
            if client is None:
                return None
            row = rule_set_row(uow, client, version)
            return RoutingRuleSetType.of(row) if row else None

        return await info.context.read(read)

    @strawberry.field(permission_classes=[_read])
    async def explain_routing(
        self,
        info: Info[Context, None],
        input: Annotated[
            CreateOrderInput,
            strawberry.argument(description="The order draft, exactly as createOrder takes it."),
        ],
    ) -> ExplainRoutingResult:
        """A dry run: the routing createOrder would decide for this draft now, explained.

        Nothing is written or locked; creating the order with unchanged stock decides the same.
        """

        def read(uow: TenantUnitOfWork) -> ExplainRoutingResult:
            try:
                decision = explain_routing(uow, input.command())
            except UserFacingError as error:
                return ExplainRoutingResult(explanation=None, user_errors=user_errors(error))
            return ExplainRoutingResult(
                explanation=RoutingExplanationType.of(decision), user_errors=[]
            )

        return await info.context.read(read)
