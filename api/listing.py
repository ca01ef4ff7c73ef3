"""What list fields share: filter ids that never leak, sort inputs, one keyset page."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any, ClassVar, TypeVar

import strawberry
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLSchema, get_named_type
from sqlalchemy import Select
from strawberry import relay
from strawberry.types import Info

from api.context import Context, parse_uuid
from api.errors import PublicError
from api.lookahead import Loaded, plan_for_nodes, run_plan
from api.relay import Page, RowNode, connection, keyset_page
from tenants.scope import TenantScope
from tenants.unit_of_work import TenantUnitOfWork

NO_MATCH = uuid.UUID(int=0)
"""Matches no row (ids are UUIDv7): a filter id of another type or tenant finds nothing."""

E = TypeVar("E", bound=Enum)


def filter_id(global_id: relay.GlobalID | None, type_name: str) -> uuid.UUID | None:
    """The row id a list is filtered by; a malformed or foreign id filters out everything."""
    if global_id is None:
        return None
    if global_id.type_name != type_name:
        return NO_MATCH
    return parse_uuid(global_id.node_id) or NO_MATCH


def any_of(values: Sequence[Any] | None, kind: type[E]) -> tuple[E, ...] | None:
    """A list filter as domain enum members; null or empty means no narrowing."""
    return tuple(kind(value.value) for value in values) if values else None


@strawberry.enum(description="Which way a list runs.")
class SortDirection(Enum):
    ASC = strawberry.enum_value("asc", description="Smallest, oldest or A first.")
    DESC = strawberry.enum_value("desc", description="Largest, newest or Z first.")


class Sort:
    """What every `<Type>Sort` input shares: the field's column, then a tie-breaker.

    Subclasses are strawberry inputs declaring `field` (their own enum, whose values are
    column names) and `direction`; `tie_breaker` names the columns that make the key unique.
    """

    tie_breaker: ClassVar[tuple[str, ...]] = ("id",)

    @property
    def keys(self) -> tuple[str, ...]:
        """Attribute names of the keyset: the sort column, then the tie-breaker."""
        column = self.field.value  # type: ignore[attr-defined]
        return (column, *(name for name in self.tie_breaker if name != column))

    @property
    def descending(self) -> bool:
        """Whether the list runs from the largest value down."""
        return self.direction is SortDirection.DESC  # type: ignore[attr-defined]

    @property
    def tag(self) -> str:
        """Names the sort inside cursors, so a cursor is never used under another sort."""
        return f"{self.field.value}:{self.direction.value}"  # type: ignore[attr-defined]


SORT_COLUMNS = {
    "CREATED_AT": "created_at",
    "UPDATED_AT": "updated_at",
    "OCCURRED_AT": "occurred_at",
    "EFFECTIVE_FROM": "effective_from",
    "PERIOD": "period_start",
    "CODE": "code",
    "SKU": "sku",
    "PRODUCT": "product_id",
}
"""Sort fields by their GraphQL names, and the column each one sorts by."""


def sort_input(
    type_name: str,
    plural: str,
    fields: tuple[str, ...],
    *,
    direction: SortDirection,
    tie_breaker: tuple[str, ...] = ("id",),
) -> Any:
    """The `<Type>Sort` input with its `<Type>SortField` enum; the first field is the default."""
    by = strawberry.enum(
        Enum(f"{type_name}SortField", {name: SORT_COLUMNS[name] for name in fields}),  # type: ignore[misc]
        description=f"What {plural} can be sorted by.",
    )
    namespace = {
        "__annotations__": {"field": by, "direction": SortDirection},
        "__doc__": f"How to sort {plural}.",
        "field": by[fields[0]],
        "direction": direction,
        "tie_breaker": tie_breaker,
    }
    return strawberry.input(
        type(f"{type_name}Sort", (Sort,), namespace),
        description=f"How to sort {plural}; {fields[0]} {direction.name} when left out.",
    )


def _resume(sort: Sort, page: Page) -> Page:
    if page.after is None:
        return page
    if not page.after or page.after[0] != sort.tag:
        raise PublicError("INVALID_CURSOR", "The cursor was made for another sort or list.")
    return dataclasses.replace(page, after=page.after[1:])


async def read_page(
    info: Info[Context, None],
    node_type: type[RowNode],
    build: Callable[[TenantScope], Select[Any]],
    sort: Sort,
    page: Page,
) -> relay.Connection[Any]:
    """One page of the statement `build(scope)` makes, sorted, as a connection of `node_type`."""
    model = node_type.__model__
    resumed = _resume(sort, page)
    steps = plan_for_nodes(info, model)

    def run(uow: TenantUnitOfWork) -> tuple[list[Any], bool, Loaded]:
        columns = [getattr(model, name) for name in sort.keys]
        rows, more = keyset_page(
            uow.session, build(uow.scope), columns, resumed, descending=sort.descending
        )
        return rows, more, run_plan(uow, steps, rows)

    rows, more, loaded = await info.context.read(run)
    info.context.remember(loaded)
    return connection(node_type, rows, more, sort.keys, page, tag=sort.tag)


LIST_ARGUMENTS = {
    "first": "How many to return, 0 to 100; 20 when left out.",
    "after": "The endCursor of the page before; the first page when left out.",
    "filter": "Which to list; every one the caller may see when left out.",
    "sort": "The order of the list; the default is on the sort input's fields.",
}
SORT_FIELDS = {
    "CREATED_AT": "When it was created.",
    "UPDATED_AT": "When it last changed.",
    "OCCURRED_AT": "When it happened.",
    "EFFECTIVE_FROM": "When it takes effect.",
    "PERIOD": "The month it bills.",
    "CODE": "Its code.",
    "SKU": "Its SKU.",
    "PRODUCT": "Its product (in id order, stable across pages).",
}


def describe_lists(schema: GraphQLSchema) -> None:
    """Describe what every list shares, once: its arguments, sort inputs and sort fields."""
    for field in schema.query_type.fields.values() if schema.query_type else ():
        if get_named_type(field.type).name.endswith("Connection"):
            for name, argument in field.args.items():
                argument.description = argument.description or LIST_ARGUMENTS.get(name)
    for name, named in schema.type_map.items():
        if isinstance(named, GraphQLInputObjectType) and name.endswith("Sort"):
            named.fields["field"].description = "What to sort by."
            named.fields["direction"].description = "Which way the list runs."
        if isinstance(named, GraphQLEnumType) and name.endswith("SortField"):
            for value_name, value in named.values.items():
                value.description = value.description or SORT_FIELDS.get(value_name)
