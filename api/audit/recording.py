"""The write-path hook: each mutation appends its audit event in its own transaction."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from strawberry import relay
from strawberry.types import Info

from api.context import parse_uuid
from api.relay import RowNode
from domain.audit.trail import Actor, Change, record
from tenants.errors import UserFacingError
from tenants.unit_of_work import TenantUnitOfWork

R = TypeVar("R")


def change_of(info: Info[Any, Any]) -> Change:
    """The mutation being resolved and its arguments as sent (variables filled in)."""
    arguments = info.selected_fields[0].arguments if info.selected_fields else {}
    return _about_input(Change(info.field_name, dict(arguments)))


def audited(work: Callable[..., R], change: Change) -> Callable[[TenantUnitOfWork], R]:
    """`work` followed by its audit event, in the same transaction."""

    def run(uow: TenantUnitOfWork) -> R:
        result = work(uow)
        event = change.about(*_subject(result))
        record(uow.session, uow.scope.provider_id, Actor.of(uow.scope), event)
        return result

    return run


def refusal(change: Change, error: UserFacingError) -> Callable[[TenantUnitOfWork], None]:
    """Recording a refused mutation, in a transaction of its own (the change rolled back)."""

    def run(uow: TenantUnitOfWork) -> None:
        actor = Actor.of(uow.scope)
        record(uow.session, uow.scope.provider_id, actor, change, [error.code.value])

    return run


def _subject(result: Any) -> tuple[str | None, uuid.UUID | None]:
    """The GraphQL type and id of the row a domain result is (or carries first)."""
    if isinstance(result, tuple):
        candidates = list(result)
    elif dataclasses.is_dataclass(result) and not isinstance(result, type):
        candidates = [getattr(result, f.name) for f in dataclasses.fields(result)]
    else:
        candidates = [result]
    for candidate in candidates:
        type_name = _type_names().get(type(candidate))
        row_id = getattr(candidate, "id", None)  # rows with composite keys have none
        if type_name is not None and isinstance(row_id, uuid.UUID):
            return type_name, row_id
    return None, None


def _about_input(change: Change) -> Change:
    """The change naming the object its `id` (else first `...Id`) argument points at."""
    values = change.input.get("input", change.input)
    if not isinstance(values, dict):
        return change
    names = ["id", *sorted(n for n in values if n.endswith("Id"))]
    for global_id in filter(None, (_global_id(values.get(name)) for name in names)):
        row_id = parse_uuid(global_id.node_id)
        if row_id is not None:
            return change.about(global_id.type_name, row_id)
    return change


def _global_id(value: Any) -> relay.GlobalID | None:
    if not isinstance(value, str):
        return None
    try:
        return relay.GlobalID.from_id(value)
    except ValueError:  # GlobalIDValueError: a malformed id names no object
        return None


@cache
def _type_names() -> dict[type[Any], str]:
    """Each model's GraphQL node type name (read after the schema is built)."""
    names: dict[type[Any], str] = {}
    pending = list(RowNode.__subclasses__())
    while pending:
        node = pending.pop()
        pending.extend(node.__subclasses__())
        model = node.__dict__.get("__model__")
        definition = getattr(node, "__strawberry_definition__", None)
        if model is not None and definition is not None:
            names.setdefault(model, definition.name)
    return names
