"""Malformed ids in a mutation's arguments become an INVALID_ID user error on its payload.

Strawberry decodes every `ID` argument before the resolver runs, so a malformed one would
otherwise fail the whole field as an error with no payload. Each mutation field's resolver
is wrapped once, when the schema is built: it looks for an undecodable id first, and
answers with the payload's `userErrors` naming the input field, nothing written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from graphql import (
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
)
from strawberry.relay import GlobalID, GlobalIDValueError

from api.errors import INVALID_ID_MESSAGE, ErrorCode, UserError


def refuse_malformed_ids(schema: strawberry.Schema) -> None:
    """Wrap each mutation whose arguments hold an id so that a malformed one is a user error."""
    mutation = schema._schema.mutation_type
    if mutation is None:
        return
    for name, field in mutation.fields.items():
        if field.resolve is None or not any(_holds_id(a.type, set()) for a in field.args.values()):
            continue
        definition = schema.get_type_by_name(_named(field.type).name)
        payload = getattr(definition, "origin", None)
        if payload is None:
            raise TypeError(f"mutation {name} returns no strawberry type")
        arguments = {arg_name: arg.type for arg_name, arg in field.args.items()}
        field.resolve = _guarded(field.resolve, payload, arguments)


def _guarded(
    resolve: Callable[..., Any], payload: type[Any], arguments: dict[str, GraphQLInputType]
) -> Callable[..., Any]:
    def guarded(source: Any, info: Any, **kwargs: Any) -> Any:
        for name, type_ in arguments.items():
            where = malformed_id(kwargs.get(name), type_, () if name == "input" else (name,))
            if where is not None:
                error = UserError(
                    field=[str(part) for part in where] or [name],
                    code=ErrorCode("INVALID_ID"),  # type: ignore[operator]
                    message=INVALID_ID_MESSAGE,
                )
                return payload(user_errors=[error])
        return resolve(source, info, **kwargs)

    return guarded


def malformed_id(
    value: Any, type_: GraphQLInputType, path: tuple[str, ...]
) -> tuple[str, ...] | None:
    """Where in `value` (an argument as graphql-core coerced it) an id does not decode."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if value is None:
        return None
    if isinstance(type_, GraphQLList):
        for index, item in enumerate(value):
            found = malformed_id(item, type_.of_type, (*path, str(index)))
            if found is not None:
                return found
        return None
    if isinstance(type_, GraphQLInputObjectType):
        for name, field in type_.fields.items():
            key = field.out_name or name
            if key in value:
                found = malformed_id(value[key], field.type, (*path, name))
                if found is not None:
                    return found
        return None
    if type_ is GraphQLID or getattr(type_, "name", None) == "ID":
        try:
            GlobalID.from_id(value)
        except GlobalIDValueError:
            return path
    return None


def _holds_id(type_: Any, seen: set[str]) -> bool:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    if getattr(type_, "name", None) == "ID":
        return True
    if isinstance(type_, GraphQLInputObjectType) and type_.name not in seen:
        seen.add(type_.name)
        return any(_holds_id(f.type, seen) for f in type_.fields.values())
    return False


def _named(type_: Any) -> Any:
    while hasattr(type_, "of_type"):
        type_ = type_.of_type
    return type_
