"""Strings no field accepts: NUL characters (PostgreSQL's text cannot hold one) and unpaired
UTF-16 surrogates (no encoding can write one). Refused wherever they come in, before
anything runs: in the document's literals and in the variables, at any depth."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from graphql import ArgumentNode, DocumentNode, ObjectValueNode, StringValueNode, ValueNode, visit
from graphql.language import ListValueNode, Visitor

from api.errors import PublicError

_UNWRITABLE = re.compile("[\x00\ud800-\udfff]")
MESSAGE = "Strings may not hold NUL characters or unpaired surrogates"


class UnwritableString(PublicError):
    """A string holding a character no field can store."""

    def __init__(self, where: str, path: list[str | int], variable: str | None = None):
        super().__init__("BAD_USER_INPUT", f"{MESSAGE}; one is at {where}.")
        self.extensions["path"] = path
        if variable is not None:
            self.extensions["variable"] = variable


def check_variables(variables: Mapping[str, Any] | None) -> None:
    """Refuse variables holding an unwritable string anywhere inside them."""
    pending: list[tuple[Any, list[str | int]]] = [
        (value, [name]) for name, value in (variables or {}).items()
    ]
    while pending:
        value, path = pending.pop()
        if isinstance(value, str):
            if _UNWRITABLE.search(value):
                where = "$" + ".".join(str(step) for step in path)
                raise UnwritableString(where, path, variable=str(path[0]))
        elif isinstance(value, Mapping):
            pending.extend((item, [*path, key]) for key, item in value.items())
        elif isinstance(value, list):
            pending.extend((item, [*path, index]) for index, item in enumerate(value))


def check_literals(document: DocumentNode) -> None:
    """Refuse a document whose argument values hold an unwritable string."""
    visit(document, _LiteralCheck())


class _LiteralCheck(Visitor):
    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        path = _unwritable_in(node.value, [node.name.value])
        if path is not None:
            raise UnwritableString(f"argument {'.'.join(map(str, path))}", path)


def _unwritable_in(value: ValueNode, path: list[str | int]) -> list[str | int] | None:
    if isinstance(value, StringValueNode):
        return path if _UNWRITABLE.search(value.value) else None
    if isinstance(value, ObjectValueNode):
        for field in value.fields:
            found = _unwritable_in(field.value, [*path, field.name.value])
            if found is not None:
                return found
    if isinstance(value, ListValueNode):
        for index, item in enumerate(value.values):
            found = _unwritable_in(item, [*path, index])
            if found is not None:
                return found
    return None
