"""What list fields share: filter ids that never leak, and one page of a scoped statement."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select
from strawberry import relay
from strawberry.types import Info

from api.context import Context, parse_uuid
from api.relay import Page, RowNode, connection, keyset_page
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork

NO_MATCH = uuid.UUID(int=0)
"""Matches no row (ids are UUIDv7): a filter id of another type or tenant finds nothing."""


def filter_id(global_id: relay.GlobalID | None, type_name: str) -> uuid.UUID | None:
    """The row id a list is filtered by; a malformed or foreign id filters out everything."""
    if global_id is None:
        return None
    if global_id.type_name != type_name:
        return NO_MATCH
    return parse_uuid(global_id.node_id) or NO_MATCH


async def read_page(
    info: Info[Context, None],
    node_type: type[RowNode],
    build: Callable[[TenantScope], Select[Any]],
    order: Sequence[str],
    page: Page,
    *,
    descending: bool = False,
) -> relay.Connection[Any]:
    """One page of the statement `build(scope)` makes, as a connection of `node_type`."""
    model = node_type.__model__

    def run(uow: TenantUnitOfWork) -> tuple[list[Any], bool]:
        columns = [getattr(model, name) for name in order]
        return keyset_page(uow.session, build(uow.scope), columns, page, descending=descending)

    rows, more = await info.context.read(run)
    return connection(node_type, rows, more, order, page)
