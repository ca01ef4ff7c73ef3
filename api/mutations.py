"""What every mutation shares: the payload base, id decoding and the refusal-to-payload rule."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from graphql import GraphQLSchema, get_named_type
from strawberry import relay
from strawberry.types import Info

from api.audit.recording import audited, change_of, refusal
from api.context import Context, parse_uuid
from api.errors import UserError, user_errors
from domain.errors import invalid_id
from tenants.errors import UserFacingError

P = TypeVar("P", bound="Payload")
R = TypeVar("R")


@strawberry.type
class Payload:
    """Every mutation payload carries the refusals; empty when the change was made."""

    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was changed; empty when it was."
    )


async def mutate(
    info: Info[Context, None],
    payload: type[P],
    work: Callable[..., R],
    done: Callable[[R], P],
) -> P:
    """Run `work(uow)` as one unit of work; a refusal becomes `userErrors`.

    Either way the mutation is audited: with the change, or after its rollback on its own.
    """
    change = change_of(info)
    try:
        result = await info.context.write(audited(work, change))
    except UserFacingError as error:
        await info.context.write(refusal(change, error))
        return payload(user_errors=user_errors(error))
    return done(result)


async def mutate_by_service(
    info: Info[Context, None],
    payload: type[P],
    work: Callable[[], Awaitable[R]],
    done: Callable[[R], Awaitable[P]],
) -> P:
    """Run a service (it commits step by step in units of its own) for a mutation; a refusal
    becomes `userErrors`. The audit event follows the service, in a transaction of its own.
    """
    change = change_of(info)
    try:
        result = await work()
    except UserFacingError as error:
        await info.context.write(refusal(change, error))
        return payload(user_errors=user_errors(error))
    await info.context.write(audited(lambda uow: result, change))
    return await done(result)


def decode_id(global_id: relay.GlobalID | None, type_name: str, field: str) -> uuid.UUID:
    """The row id inside a global id of `type_name`; an id of another type is invalid.

    Whether the row exists, and is the caller's, is the unit of work's question.
    """
    value = None if global_id is None else parse_uuid(global_id.node_id)
    if global_id is None or global_id.type_name != type_name or value is None:
        raise invalid_id(type_name[0].lower() + type_name[1:], field)
    return value


def optional_id(global_id: relay.GlobalID | None, type_name: str, field: str) -> uuid.UUID | None:
    """Like `decode_id`, but None stays None."""
    return None if global_id is None else decode_id(global_id, type_name, field)


def describe_inputs(schema: GraphQLSchema) -> None:
    """Describe every mutation's one argument and its payload, the same way everywhere."""
    for name, field in schema.mutation_type.fields.items() if schema.mutation_type else ():
        for argument in field.args.values():
            argument.description = argument.description or "Everything the mutation needs."
        payload = get_named_type(field.type)
        payload.description = payload.description or (
            f"What {name} answers: what it changed, or userErrors and no change."
        )
