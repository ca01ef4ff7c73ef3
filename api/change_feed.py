"""Change cursors on the lists integrations sync: every committed change, none skipped.

``changesAfter`` turns a list into a feed: the rows written after the cursor, in the
order of their changes, up to ``first``; ``changeCursor`` on the answer is where the next
read resumes. Rows still being written by open transactions are held back until they
commit (persistence.change_feed), so a cursor never passes a change it has not returned.
"""

from __future__ import annotations

import types
import uuid
from collections.abc import Callable
from typing import Any

import strawberry
from sqlalchemy import Select, tuple_
from strawberry import relay
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from api.context import Context
from api.errors import PublicError
from api.listing import Sort, read_page
from api.lookahead import Loaded, plan_for_nodes, run_plan
from api.relay import Page, decode_cursor, encode_cursor, keyset_page
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork

TAG = "changes"
CHANGES_AFTER = (
    "List the changes after this change cursor (a changeCursor from an earlier answer), "
    'in the order they were made, instead of the sorted list; "" starts from the '
    "beginning. Cannot be combined with after or sort."
)
CHANGE_CURSOR = (
    "Where to resume reading changes (pass it as changesAfter): after the last change "
    "in this answer when it read changes; otherwise every change committed before this "
    "list was read counts as seen, so take it on the first page of a full sync."
)
_LAST_ID = uuid.UUID(int=(1 << 128) - 1)


def change_connection(node_type: type[Any], name: str, plural: str) -> Any:
    """The `<name>Connection` type of a synced list: Relay's connection plus `changeCursor`."""

    def change_cursor(self: Any) -> str:
        if self.resume_at is None:  # set whenever the field is selected (`_selects`)
            raise PublicError("INTERNAL_ERROR", "The change cursor was not read.")
        return self.resume_at

    namespace = {
        "__annotations__": {"resume_at": strawberry.Private[str | None]},
        "resume_at": None,
        "change_cursor": strawberry.field(resolver=change_cursor, description=CHANGE_CURSOR),
    }
    return strawberry.type(
        types.new_class(
            f"{name}Connection", (relay.Connection[node_type],), {}, lambda ns: ns.update(namespace)
        ),
        name=f"{name}Connection",
        description=f"A page of {plural}, and where to resume reading their changes.",
    )


async def read_list(
    info: Info[Context, None],
    connection_type: type[Any],
    node_type: type[Any],
    build: Callable[[TenantScope], Select[Any]],
    sort: Sort | None,
    default_sort: Sort,
    page: tuple[int | None, str | None],
    changes_after: str | None,
) -> Any:
    """The list as `connection_type`: a sorted page, or the changes after `changes_after`."""
    first, after = page
    if changes_after is None:
        return await _sorted(
            info, connection_type, node_type, build, sort or default_sort, first, after
        )
    if after is not None or sort is not None:
        raise PublicError("BAD_USER_INPUT", "changesAfter cannot be combined with after or sort.")
    return await _changes(
        info, connection_type, node_type, build, default_sort.tie_breaker, Page.of(first, None),
        _position(changes_after, len(default_sort.tie_breaker)),
    )  # fmt: skip


async def _sorted(
    info: Info[Context, None],
    connection_type: type[Any],
    node_type: type[Any],
    build: Callable[[TenantScope], Select[Any]],
    sort: Sort,
    first: int | None,
    after: str | None,
) -> Any:
    horizon: int | None = None
    model = node_type.__model__
    if _selects(info, "changeCursor"):
        # read before the page: a change committed while the page is read is not behind it
        horizon = await info.context.read(lambda uow: uow.change_horizon(model))
    plain = await read_page(info, node_type, build, sort, Page.of(first, after))
    answer = connection_type(edges=plain.edges, page_info=plain.page_info)
    if horizon is not None:
        answer.resume_at = _encode(_below(horizon, len(sort.tie_breaker)))
    return answer


async def _changes(
    info: Info[Context, None],
    connection_type: type[Any],
    node_type: type[Any],
    build: Callable[[TenantScope], Select[Any]],
    tie_breaker: tuple[str, ...],
    page: Page,
    position: tuple[Any, ...] | None,
) -> Any:
    model = node_type.__model__
    keys = ("change_seq", *tie_breaker)
    steps = plan_for_nodes(info, model)

    def run(uow: TenantUnitOfWork) -> tuple[list[Any], bool, tuple[Any, ...], Loaded]:
        horizon = uow.change_horizon(model)
        stmt = build(uow.scope).where(model.change_seq < horizon)
        columns = [getattr(model, name) for name in keys]
        if position is not None:
            stmt = stmt.where(tuple_(*columns) > tuple_(*position))
        rows, more = keyset_page(uow.session, stmt, columns, Page(page.first, None))
        loaded = run_plan(uow, steps, rows)
        if more:
            return rows, more, tuple(getattr(rows[-1], name) for name in keys), loaded
        # nothing else below the horizon matches: resume there, past rows that do not
        resume = _below(horizon, len(tie_breaker))
        return rows, more, max(resume, position) if position is not None else resume, loaded

    rows, more, resume, loaded = await info.context.read(run)
    info.context.remember(loaded)
    edges = [
        relay.Edge(
            node=node_type.from_row(row),
            cursor=_encode(tuple(getattr(row, name) for name in keys)),
        )
        for row in rows
    ]
    answer = connection_type(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=more,
            has_previous_page=position is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
    answer.resume_at = _encode(resume)
    return answer


def _below(horizon: int, ties: int) -> tuple[Any, ...]:
    """The position just before `horizon`: past every row stamped below it."""
    return (horizon - 1, *([_LAST_ID] * ties))


def _encode(position: tuple[Any, ...]) -> str:
    return encode_cursor([TAG, *position])


def _position(cursor: str, ties: int) -> tuple[Any, ...] | None:
    """The (stamp, key...) a change cursor holds; None for "" (from the beginning)."""
    if cursor == "":
        return None
    values = decode_cursor(cursor)
    if len(values) != ties + 2 or values[0] != TAG or not isinstance(values[1], int):
        raise PublicError("INVALID_CURSOR", "The change cursor is not valid for this list.")
    try:
        return (values[1], *(uuid.UUID(value) for value in values[2:]))
    except (ValueError, TypeError, AttributeError) as error:
        raise PublicError("INVALID_CURSOR", "The change cursor is not valid.") from error


def _selects(info: Info[Context, None], name: str) -> bool:
    """Whether the current field selects `name` directly or through fragments."""
    pending: list[Any] = [child for field in info.selected_fields for child in field.selections]
    while pending:
        selection = pending.pop()
        if isinstance(selection, SelectedField):
            if selection.name == name:
                return True
        else:  # a fragment spread or inline fragment: look inside
            pending.extend(selection.selections)
    return False
