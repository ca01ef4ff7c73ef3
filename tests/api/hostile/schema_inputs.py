"""Walks over the served schema: where its arguments take ids, and minimal valid values."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
    get_named_type,
    print_type,
)

SCALARS: dict[str, Any] = {
    "String": "x",
    "Int": 1,
    "Float": 1.5,
    "Boolean": False,
    "ID": "Tm90aGluZzow",  # base64 "Nothing:0": well formed, names nothing
    "Decimal": "1.00",
    "DateTime": "2026-01-01T00:00:00Z",
    "Date": "2026-01-01",
    "JSON": {},
}
"""A valid value of each scalar the schema uses; a new scalar must be added here."""


@dataclass(frozen=True)
class IdArgument:
    """One place in a root field's arguments that takes an id."""

    root: str
    field: str
    path: tuple[str, ...]
    """Argument name, then input field names; "[]" steps into a list."""

    def __str__(self) -> str:
        return f"{self.root}.{self.field}({'.'.join(self.path)})"


def id_arguments(schema: GraphQLSchema) -> list[IdArgument]:
    """Every place where a query or mutation field takes an id, at any depth of its input."""
    found = []
    for root in (schema.query_type, schema.mutation_type):
        if root is None:
            continue
        for name, field in root.fields.items():
            for arg_name, arg in field.args.items():
                for path in _id_paths(arg.type, (arg_name,), frozenset()):
                    found.append(IdArgument(root.name, name, path))
    return found


def _id_paths(
    type_: Any, prefix: tuple[str, ...], seen: frozenset[str]
) -> Iterator[tuple[str, ...]]:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        if isinstance(type_, GraphQLList):
            prefix = (*prefix, "[]")
        type_ = type_.of_type
    if getattr(type_, "name", None) == "ID":
        yield prefix
    elif isinstance(type_, GraphQLInputObjectType) and type_.name not in seen:
        for name, field in type_.fields.items():
            yield from _id_paths(field.type, (*prefix, name), seen | {type_.name})


def minimal_value(type_: GraphQLInputType) -> Any:
    """A value of `type_` with every required field filled, the optional ones left out."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        return [minimal_value(type_.of_type)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: minimal_value(field.type)
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    if type_.name not in SCALARS:
        raise AssertionError(f"add a valid value of {print_type(type_)} to SCALARS")
    return SCALARS[type_.name]


def with_value(type_: GraphQLInputType, path: tuple[str, ...], value: Any, base: Any) -> Any:
    """`base` (a value of `type_`) with `value` put at `path`, filling what lies between."""
    if not path:
        return value
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if path[0] == "[]":
        assert isinstance(type_, GraphQLList)
        item = base[0] if base else minimal_value(type_.of_type)
        return [with_value(type_.of_type, path[1:], value, item)]
    assert isinstance(type_, GraphQLInputObjectType)
    field_type = type_.fields[path[0]].type
    inner = base.get(path[0]) if base else None
    if inner is None and len(path) > 1:
        inner = minimal_value(field_type)
    return {**(base or {}), path[0]: with_value(field_type, path[1:], value, inner)}


def request_for(schema: GraphQLSchema, place: IdArgument, value: Any) -> tuple[str, dict[str, Any]]:
    """A document calling `place`'s field with `value` at its path, and its variables."""
    mutation = place.root == "Mutation"
    root = schema.mutation_type if mutation else schema.query_type
    assert isinstance(root, GraphQLObjectType)
    field = root.fields[place.field]
    variables, definitions, arguments = {}, [], []
    for name, arg in field.args.items():
        if name == place.path[0]:
            variables[name] = with_value(arg.type, place.path[1:], value, minimal_value(arg.type))
        elif isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined:
            variables[name] = minimal_value(arg.type)
        else:
            continue
        definitions.append(f"${name}: {arg.type}")
        arguments.append(f"{name}: ${name}")
    keyword = "mutation" if mutation else "query"
    document = (
        f"{keyword} Probe({', '.join(definitions)}) "
        f"{{ {place.field}({', '.join(arguments)}) {selection(field)} }}"
    )
    return document, variables


def selection(field: GraphQLField) -> str:
    """What to ask of a field's answer: its user errors when it has them, else its type."""
    target = get_named_type(field.type)
    if isinstance(target, GraphQLObjectType) and "userErrors" in target.fields:
        return "{ userErrors { field code } }"
    if hasattr(target, "fields"):
        return "{ __typename }"
    return ""
