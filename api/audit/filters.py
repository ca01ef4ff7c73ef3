"""Filtering and sorting the audit trail."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from api.audit.types import ActorKindEnum, AuditOutcomeEnum
from api.listing import NO_MATCH, filter_id
from api.orders.filters import SortDirection
from domain.audit.models import AuditEvent
from domain.audit.queries import AuditFilter


@strawberry.input
class AuditEventFilterInput:
    actor_kind: ActorKindEnum | None = None  # type: ignore[valid-type]
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
    outcome: AuditOutcomeEnum | None = None  # type: ignore[valid-type]
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
            actor_kind=self.actor_kind,
            actor_id=filter_id(self.actor_key_id, "ApiKey"),
            actor_name=self.actor_name,
            mutations=tuple(self.mutation) if self.mutation else None,
            object_type=object_type,
            object_id=object_id,
            outcome=self.outcome,
            occurred_after=self.occurred_after,
            occurred_before=self.occurred_before,
        )


@strawberry.enum
class AuditEventSortField(Enum):
    OCCURRED_AT = "occurred_at"


@strawberry.input
class AuditEventSort:
    field: AuditEventSortField = AuditEventSortField.OCCURRED_AT
    direction: SortDirection = SortDirection.DESC

    @property
    def keys(self) -> tuple[str, str]:
        """Attribute names of the keyset: the sort column, then id to break ties."""
        return (self.field.value, "id")

    @property
    def columns(self) -> list[Any]:
        """The keyset's columns."""
        return [getattr(AuditEvent, name) for name in self.keys]

    @property
    def descending(self) -> bool:
        """Whether newest comes first."""
        return self.direction is SortDirection.DESC
