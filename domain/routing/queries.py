"""Reading stored routing decisions: each order's, for loaders."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from domain.routing.models import RoutingDecision
from tenants.unit_of_work import TenantUnitOfWork


def decisions_by_order(
    uow: TenantUnitOfWork, order_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[RoutingDecision]]:
    """Each order's routing decisions, oldest first."""
    groups: dict[uuid.UUID, list[RoutingDecision]] = defaultdict(list)
    for row in uow.scalars(
        uow.select(RoutingDecision)
        .where(RoutingDecision.order_id.in_(order_ids))
        .order_by(RoutingDecision.created_at, RoutingDecision.id)
    ):
        groups[row.order_id].append(row)
    return groups
