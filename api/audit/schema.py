"""The audit trail query: provider admins see their provider's, client keys their own."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.audit.filters import AuditEventFilterInput, AuditEventSort
from api.audit.types import AuditEventType
from api.context import Context
from api.permissions import requires
from api.relay import Page, connection, keyset_page
from domain.audit.queries import AuditFilter, events_matching
from tenants.unit_of_work import TenantUnitOfWork


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
        page = Page.of(first, after)
        sort = sort or AuditEventSort()
        where = filter.domain() if filter else AuditFilter()

        def run(uow: TenantUnitOfWork) -> tuple[list[Any], bool]:
            stmt = events_matching(uow.scope, where)
            return keyset_page(uow.session, stmt, sort.columns, page, descending=sort.descending)

        rows, more = await info.context.read(run)
        return connection(AuditEventType, rows, more, sort.keys, page)
