"""Fields resolved by a direct call, without strawberry's per-field wrapper.

Strawberry wraps every field's resolver to build its `Info`, convert arguments and run
field extensions and exception handlers: several Python calls and objects per resolved
field, paid about 1,200 times on a page of 50 orders. Fields that need none of that are
rewired after the schema is built:

- a plain attribute (no resolver, no extension) reads `getattr(source, name)`;
- a resolver taking only the object and, optionally, `info` (no arguments, no
  extension, no permission class, no exception handler) is called with them.

Anything else keeps strawberry's resolver, so behaviour is unchanged; only the layers
between graphql-core and the function are gone.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    is_leaf_type,
)
from strawberry import Schema
from strawberry.types.field import StrawberryField

DEFINITION = "strawberry-definition"


def resolve_directly(schema: Schema) -> int:
    """Rewire the fields that allow it; how many were rewired."""
    converter = schema.schema_converter
    if schema.config.default_resolver is not getattr:
        return 0
    rewired = 0
    for named in schema._schema.type_map.values():
        if not isinstance(named, GraphQLObjectType) or named.name.startswith("__"):
            continue
        for graphql_field in named.fields.values():
            field = (graphql_field.extensions or {}).get(DEFINITION)
            if not isinstance(field, StrawberryField) or field.extensions or field.arguments:
                continue
            if converter._get_field_exception_handlers(field):
                continue
            direct = _direct(field, schema.config.info_class)
            if direct is not None:
                graphql_field.resolve = direct
                _mark_leaf(graphql_field, field)
                rewired += 1
    return rewired


def _direct(field: StrawberryField, info_class: type[Any]) -> Callable[..., Any] | None:
    if field.base_resolver is None:
        return _attribute(field.python_name)
    resolver = field.base_resolver
    if field.is_async or resolver.is_async:
        return None
    function = resolver.wrapped_func
    if not inspect.isfunction(function):
        return None  # a classmethod, staticmethod or other callable: keep strawberry's call
    names = list(inspect.signature(function).parameters)
    if names == ["self"]:
        return _method(function)
    if names == ["self", "info"] and resolver.info_parameter is not None:
        return _method_with_info(function, field, info_class)
    return None


LEAF = "crossdock-leaf"
"""In the extensions of a field that reads an attribute and returns a scalar or an enum:
the attribute's name and the leaf type (the executor reads it without calling the
resolver, api/execution.py)."""


def _attribute(name: str) -> Callable[..., Any]:
    def resolve(source: Any, info: GraphQLResolveInfo) -> Any:
        return getattr(source, name)

    return resolve


def _mark_leaf(graphql_field: GraphQLField, field: StrawberryField) -> None:
    named = graphql_field.type
    if isinstance(named, GraphQLNonNull):
        named = named.of_type
    if field.base_resolver is None and is_leaf_type(named):
        graphql_field.extensions = {**graphql_field.extensions, LEAF: (field.python_name, named)}


def _method(function: Callable[[Any], Any]) -> Callable[..., Any]:
    def resolve(source: Any, info: GraphQLResolveInfo) -> Any:
        return function(source)

    return resolve


def _method_with_info(
    function: Callable[[Any, Any], Any], field: StrawberryField, info_class: type[Any]
) -> Callable[..., Any]:
    def resolve(source: Any, info: GraphQLResolveInfo) -> Any:
        return function(source, info_class(_raw_info=info, _field=field))

    return resolve
