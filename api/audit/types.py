"""GraphQL types of the audit trail: AuditEvent is a node; its input has no secrets."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.descriptions import described_enum
from api.relay import RowNode
from domain.audit.models import ActorKind, AuditEvent, AuditOutcome

ActorKindEnum = described_enum(
    ActorKind,
    name="AuditActorKind",
    description="Who made a change: an API key, the operator, or a system task.",
    values={
        ActorKind.API_KEY: "An API key (`actorKeyId`, `actorName` its public prefix).",
        ActorKind.USER: "A signed-in person (`actorUserId`, `actorName` the person's name).",
        ActorKind.OPERATOR: "The platform operator, with the `crossdock` CLI on the server.",
        ActorKind.SYSTEM: "A background task (`actorName`: dispatch, audit_retention, ...).",
    },
)
AuditOutcomeEnum = described_enum(
    AuditOutcome,
    name="AuditOutcome",
    description="Whether the mutation was made or refused.",
    values={
        AuditOutcome.OK: "The change was made.",
        AuditOutcome.REFUSED: "Refused with userErrors (`errorCodes`); nothing else was written.",
    },
)


@strawberry.type(name="AuditEvent")
class AuditEventType(RowNode):
    """One mutation: who, when, which, on what, with which input (secrets redacted), outcome."""

    __model__ = AuditEvent
    id: relay.NodeID[str]
    occurred_at: datetime = strawberry.field(description="When the change was made (UTC).")
    actor_kind: ActorKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="Who made it: an API key, a person, the operator, or a system task."
    )
    actor_name: str = strawberry.field(
        description=(
            "The API key's public prefix, the person's name, `operator`, or the system task's name."
        )
    )
    mutation: str = strawberry.field(
        description="The mutation's field name (`createOrder`), or a system task's change."
    )
    object_type: str | None = strawberry.field(description="The GraphQL type of the object.")
    input: JSON = strawberry.field(  # type: ignore[valid-type]
        description="The arguments as sent; secret values are replaced by `[redacted]`."
    )
    outcome: AuditOutcomeEnum = strawberry.field(  # type: ignore[valid-type]
        description="Made, or refused."
    )
    error_codes: list[str] = strawberry.field(description="The userError codes of a refusal.")
    actor_id: strawberry.Private[uuid.UUID | None]
    object_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(name="actorKeyId")
    def actor_key_id(self) -> relay.GlobalID | None:
        """The acting API key; None for people, the operator and system tasks."""
        if self.actor_id is None or self.actor_kind is not ActorKind.API_KEY:
            return None
        return relay.GlobalID("ApiKey", str(self.actor_id))

    @strawberry.field(name="actorUserId")
    def actor_user_id(self) -> relay.GlobalID | None:
        """The acting person; None for keys, the operator and system tasks."""
        if self.actor_id is None or self.actor_kind is not ActorKind.USER:
            return None
        return relay.GlobalID("User", str(self.actor_id))

    @strawberry.field(name="objectId")
    def object_global_id(self) -> relay.GlobalID | None:
        """The object changed; None when the mutation named none (or was refused before)."""
        if self.object_type is None or self.object_id is None:
            return None
        return relay.GlobalID(self.object_type, str(self.object_id))
