"""Mutations of routing, each with its own payload: translation to the domain, nothing more."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.context import Context
from api.mutations import Payload, mutate
from api.permissions import requires
from api.routing.inputs import SetRoutingRulesInput
from api.routing.types import RoutingRuleSetType
from domain.routing.rule_sets import save_rules
from tenants.unit_of_work import TenantUnitOfWork

_rules = requires("orders:write", provider_only=True)


@strawberry.type
class SetRoutingRulesPayload(Payload):
    rule_set: RoutingRuleSetType | None = strawberry.field(
        default=None, description="The new version in force; null when refused."
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
