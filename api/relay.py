"""Relay plumbing: nodes backed by table rows, per-request by-id loaders, keyset connections."""

from __future__ import annotations

import base64
import dataclasses
import json
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, ClassVar, Self

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import Session
from strawberry import relay
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.context import Context, parse_uuid
from api.errors import PublicError
from api.lookahead import MISSING, Relation, found, relation
from tenants.unit_of_work import TenantUnitOfWork

BY_ID = "by_id"
DEFAULT_PAGE = 20
MAX_PAGE = 100


class RowNode(relay.Node):
    """A node type filled from one model row; `__model__` names the model.

    A type whose fields and resolvers read nothing but its model's attributes sets
    `serves_rows`: the row itself then stands for the object (no copy of every column,
    requested or not), and each field reads its attribute when the query asks for it.
    """

    __model__: ClassVar[type[Any]]
    serves_rows: ClassVar[bool] = False
    _row_fields: ClassVar[tuple[str, ...] | None] = None

    @classmethod
    def is_type_of(cls, obj: Any, info: Any) -> bool:
        """Instances of the type, and rows of its model when it serves rows."""
        return isinstance(obj, cls) or (cls.serves_rows and isinstance(obj, cls.__model__))

    @classmethod
    def from_row(cls, row: Any) -> Self:
        """The row itself for a type that serves rows, else the type's fields copied from
        the row's attributes of the same names."""
        if cls.serves_rows:
            return row  # type: ignore[no-any-return]
        names = cls.__dict__.get("_row_fields")
        if names is None:
            names = tuple(
                f.name
                for f in dataclasses.fields(cls)  # type: ignore[arg-type]
                if not f.name.startswith("_") and getattr(f, "base_resolver", None) is None
            )
            cls._row_fields = names
        return cls(**{name: getattr(row, name) for name in names})

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return str(root.id)  # type: ignore[attr-defined]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info[Context, None], node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        loader = by_id(info.context, cls.__model__)
        rows = await loader.load_many([parse_uuid(node_id) for node_id in node_ids])
        return [cls.from_row(row) if row is not None else None for row in rows]


def by_id(context: Context, model: type[Any]) -> DataLoader[uuid.UUID | None, Any]:
    """The request's loader of `model` rows by id, within the caller's scope."""

    async def load(ids: list[uuid.UUID | None]) -> list[Any]:
        wanted = [i for i in ids if i is not None]
        rows = await context.read(_rows_by_id, model, wanted) if wanted else {}
        return [rows.get(i) for i in ids]

    return context.loader((BY_ID, model), lambda: DataLoader(load_fn=load))


def by_id_relation(parent: type[Any], name: str, key: str, model: type[Any]) -> Relation:
    """Declare GraphQL field `name` of `parent` rows, the `model` row whose id is in `key`,
    loadable ahead with a page (api/lookahead.py), sharing the by-id store with other fields."""

    def load(uow: TenantUnitOfWork, ids: list[Any]) -> dict[uuid.UUID, Any]:
        return _rows_by_id(uow, model, ids)

    return relation(parent, name, key=key, load=load, many=False, child=model, store=(BY_ID, model))


def node_by_id(info: Info[Context, None], node_type: type[RowNode], row_id: Any) -> Any:
    """The node of `node_type` with `row_id` (None when not the caller's): at once when it
    was looked ahead with its page, else an awaitable through the request's loader."""
    if row_id is None:
        return None
    row = found(info.context, (BY_ID, node_type.__model__), row_id)
    if row is MISSING:
        return _node_later(info.context, node_type, row_id)
    return node_type.from_row(row) if row is not None else None


async def _node_later(context: Context, node_type: type[RowNode], row_id: Any) -> Any:
    row = await by_id(context, node_type.__model__).load(row_id)
    return node_type.from_row(row) if row is not None else None


def _rows_by_id(
    uow: TenantUnitOfWork, model: type[Any], ids: list[uuid.UUID]
) -> dict[uuid.UUID, Any]:
    rows = uow.scalars(uow.select(model).where(model.id.in_(ids)))
    return {row.id: row for row in rows}


@dataclasses.dataclass(frozen=True)
class Page:
    """A validated page request."""

    first: int
    after: tuple[Any, ...] | None

    @classmethod
    def of(cls, first: int | None, after: str | None) -> Page:
        """Check `first` against the cap and decode `after`."""
        size = DEFAULT_PAGE if first is None else first
        if size < 0 or size > MAX_PAGE:
            raise PublicError("PAGE_SIZE", f"first must be between 0 and {MAX_PAGE}.")
        return cls(first=size, after=decode_cursor(after) if after else None)


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor for a row's sort key."""
    plain = json.dumps(
        [
            v.isoformat() if isinstance(v, datetime) else v if isinstance(v, int | str) else str(v)
            for v in values
        ]
    )
    return base64.urlsafe_b64encode(plain.encode()).decode()


def decode_cursor(cursor: str) -> tuple[Any, ...]:
    """The sort key inside a cursor; a coded error when it is not one of ours."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError) as error:
        raise PublicError("INVALID_CURSOR", "The cursor is not valid.") from error
    if not isinstance(values, list):
        raise PublicError("INVALID_CURSOR", "The cursor is not valid.")
    return tuple(values)


def keyset_page(
    session: Session,
    stmt: Select[Any],
    order: Sequence[Any],
    page: Page,
    *,
    descending: bool = False,
) -> tuple[list[Any], bool]:
    """One page of `stmt` by keyset on `order` (unique together); rows and whether more follow."""
    if page.after is not None:
        if len(page.after) != len(order):
            raise PublicError("INVALID_CURSOR", "The cursor does not fit this list.")
        after = [
            _from_cursor(column, value) for column, value in zip(order, page.after, strict=True)
        ]
        key = tuple_(*order)
        stmt = stmt.where(key < tuple_(*after) if descending else key > tuple_(*after))
    ordering = [column.desc() if descending else column.asc() for column in order]
    rows = list(session.scalars(stmt.order_by(*ordering).limit(page.first + 1)))
    return rows[: page.first], len(rows) > page.first


def connection(
    node_type: type[RowNode],
    rows: list[Any],
    has_next: bool,
    order: Sequence[str],
    page: Page,
    *,
    tag: str,
) -> relay.Connection[Any]:
    """A Relay connection of `rows`, each cursor holding the sort's tag and the row's key."""
    edges = [
        relay.Edge(
            node=node_type.from_row(row),
            cursor=encode_cursor([tag, *(getattr(row, a) for a in order)]),
        )
        for row in rows
    ]
    return relay.Connection(
        edges=edges,
        page_info=relay.PageInfo(
            has_next_page=has_next,
            has_previous_page=page.after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


def _from_cursor(column: Any, value: Any) -> Any:
    kind = getattr(column.type, "impl", column.type).python_type  # a TypeDecorator says object
    try:
        if kind is datetime:
            return datetime.fromisoformat(value)
        if kind is uuid.UUID:
            return uuid.UUID(value)
        return kind(value)
    except (ValueError, TypeError, AttributeError) as error:  # uuid.UUID(5) raises AttributeError
        raise PublicError("INVALID_CURSOR", "The cursor is not valid.") from error
