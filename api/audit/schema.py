"""The audit trail query: provider admins see their provider's, client keys their own."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.audit.filters import AuditEventFilterInput, AuditEventSort
from api.audit.types import AuditEventType
from api.context import Context
from api.listing import read_page
from api.permissions import requires
from api.relay import Page
from domain.audit.queries import AuditFilter, events_matching


@strawberry.type
class Query:
    @strawberry.field(permission_classes=[requires("audit:read")])
    async def audit_events(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        filter: AuditEventFilterInput | None = None,
        sort: AuditEventSort | None = None,
    ) -> relay.Connection[AuditEventType]:
        """Every mutation the caller may see, newest first unless sorted otherwise."""
        where = filter.domain() if filter else AuditFilter()
        return await read_page(
            info,
            AuditEventType,
            lambda scope: events_matching(scope, where),
            sort or AuditEventSort(),
            Page.of(first, after),
        )
