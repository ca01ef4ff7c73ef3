"""Filtering and sorting the audit trail."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay

from api.audit.types import ActorKindEnum, AuditOutcomeEnum
from api.listing import NO_MATCH, SortDirection, filter_id, sort_input
from domain.audit.queries import AuditFilter


@strawberry.input(description="Which audit events to list; all fields must match.")
class AuditEventFilterInput:
    actor_kind: list[ActorKindEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Events caused by any of these kinds of actor."
    )
    actor_key_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Events caused by this API key."
    )
    actor_name: str | None = strawberry.field(
        default=None, description="A key prefix, `operator`, or a system task's name."
    )
    mutation: list[str] | None = strawberry.field(
        default=None, description="Any of these mutations (field names, e.g. `createOrder`)."
    )
    object_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Events about this object."
    )
    outcome: list[AuditOutcomeEnum] | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Events with any of these outcomes."
    )
    occurred_after: datetime | None = strawberry.field(
        default=None, description="At or after this time."
    )
    occurred_before: datetime | None = strawberry.field(
        default=None, description="Before this time."
    )

    def domain(self) -> AuditFilter:
        """The domain's filter."""
        object_type = object_id = None
        if self.object_id is not None:
            object_type = self.object_id.type_name
            object_id = filter_id(self.object_id, object_type) or NO_MATCH
        return AuditFilter(
            actor_kinds=tuple(self.actor_kind) if self.actor_kind else None,
            actor_id=filter_id(self.actor_key_id, "ApiKey"),
            actor_name=self.actor_name,
            mutations=tuple(self.mutation) if self.mutation else None,
            object_type=object_type,
            object_id=object_id,
            outcomes=tuple(self.outcome) if self.outcome else None,
            occurred_after=self.occurred_after,
            occurred_before=self.occurred_before,
        )


AuditEventSort = sort_input(
    "AuditEvent", "audit events", ("OCCURRED_AT",), direction=SortDirection.DESC
)
