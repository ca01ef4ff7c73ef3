"""Descriptions in the schema: docstrings describe, and enum values are described one by one."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from enum import Enum
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLSchema

E = TypeVar("E", bound=Enum)
DEFINITION = "strawberry-definition"
"""Where strawberry keeps, on each graphql-core object, the definition it was built from."""


def describe_from_docstrings(schema: GraphQLSchema) -> None:
    """Give each type and resolver field with no description its own docstring.

    Strawberry reads descriptions only from its `description=` arguments; the docstring a
    class or resolver has anyway says the same, so the schema takes it rather than a copy.
    """
    for named in schema.type_map.values():
        definition = (getattr(named, "extensions", None) or {}).get(DEFINITION)
        origin = getattr(definition, "origin", None)
        if named.description is None and isinstance(origin, type):
            named.description = _own_docstring(origin)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field in named.fields.values():
                resolver = getattr((field.extensions or {}).get(DEFINITION), "base_resolver", None)
                if field.description is None and resolver is not None:
                    field.description = inspect.getdoc(resolver.wrapped_func)


def _own_docstring(cls: type) -> str | None:
    docstring = cls.__dict__.get("__doc__")
    # a dataclass without a docstring gets its signature as one: not a description
    if not docstring or docstring.startswith(f"{cls.__name__}("):
        return None
    return inspect.cleandoc(docstring)


def described_enum(enum: type[E], *, name: str, description: str, values: Mapping[E, str]) -> Any:
    """`strawberry.enum` of a domain enum, with a description for each of its values."""
    undescribed = [member.name for member in enum if member not in values]
    if undescribed:
        raise ValueError(f"{name} values without a description: {undescribed}")
    wrapped = strawberry.enum(enum, name=name, description=description)
    for value in wrapped.__strawberry_definition__.values:
        value.description = values[enum(value.value)]
    return wrapped
