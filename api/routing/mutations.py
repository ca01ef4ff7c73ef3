"""Mutations of routing, each with its own payload: translation to the domain, nothing more."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.context import Context
from api.mutations import Payload, decode_id, mutate
from api.orders.types import FulfillmentOrderType, OrderType
from api.permissions import requires
from api.routing.inputs import RerouteFulfillmentOrderInput, SetRoutingRulesInput
from api.routing.types import RoutingRuleSetType
from domain.routing.override import override_source
from domain.routing.rule_sets import save_rules
from tenants.unit_of_work import TenantUnitOfWork

_rules = requires("orders:write", provider_only=True)
_write = requires("orders:write")


@strawberry.type
class SetRoutingRulesPayload(Payload):
    rule_set: RoutingRuleSetType | None = strawberry.field(
        default=None, description="The new version in force; null when refused."
    )


@strawberry.type
class RerouteFulfillmentOrderPayload(Payload):
    fulfillment_order: FulfillmentOrderType | None = strawberry.field(
        default=None, description="The fulfillment order now serving the units; null when refused."
    )
    order: OrderType | None = strawberry.field(
        default=None, description="The order after the change; null when refused."
    )


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[_rules])
    async def set_routing_rules(
        self, info: Info[Context, None], input: SetRoutingRulesInput
    ) -> SetRoutingRulesPayload:
        """Save a client's whole ordered rule list as its next version (checked first)."""

        def work(uow: TenantUnitOfWork) -> object:
            client_id, rules = input.domain()
            return save_rules(uow, client_id, rules)

        return await mutate(
            info,
            SetRoutingRulesPayload,
            work,
            lambda row: SetRoutingRulesPayload(rule_set=RoutingRuleSetType.of(row)),
        )

    @strawberry.mutation(permission_classes=[_write])
    async def reroute_fulfillment_order(
        self, info: Info[Context, None], input: RerouteFulfillmentOrderInput
    ) -> RerouteFulfillmentOrderPayload:
        """Override routing: move a fulfillment order not yet picking to another warehouse or a
        supplier (a client: to one of its own merchant locations); recorded beside the automatic
        decision."""

        def work(uow: TenantUnitOfWork) -> object:
            return override_source(
                uow, decode_id(input.id, "FulfillmentOrder", "id"), input.reason, **input.target()
            )

        return await mutate(
            info,
            RerouteFulfillmentOrderPayload,
            work,
            lambda moved: RerouteFulfillmentOrderPayload(
                fulfillment_order=FulfillmentOrderType.from_row(moved[0]),
                order=OrderType.from_row(moved[1]),
            ),
        )
