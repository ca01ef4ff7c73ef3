"""graphql-core's execution context: an awaitable check decided once per type, and leaf
fields read straight from their attribute.

The executor asks of every resolved value whether it is awaitable (about 4,600 times on
a page of 50 orders); strawberry's check is quick for builtins but takes about a
microsecond for a model row, an enum or a datetime (isinstance checks, then `hasattr`
through the row's instrumented attributes). Whether instances of a class can be awaited
is a property of the class, so it is looked up once and remembered; the few kinds whose
answer depends on the object (generators) or on dynamic attributes are still asked.

Most fields of a page are leaves (a scalar or an enum) read from an attribute of the row
(api/direct_resolvers.py): 16 of the orders page's 25 fields per order. For each, it built
a resolve info, called the resolver, asked twice whether the value is awaitable and went
through the non-null and leaf steps of value completion. The fast path reads the attribute
and coerces it as completion would; anything out of the ordinary (an error, a null, an
awaitable, an extension resolving every field) goes the executor's own way, which then
gives the same answer and the same located errors as before.
"""

from __future__ import annotations

from types import CoroutineType, GeneratorType
from typing import Any

from graphql import GraphQLObjectType, Undefined
from graphql.execution.collect_fields import FieldDetailsList
from graphql.pyutils import Path
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.direct_resolvers import LEAF

_BY_TYPE: dict[type, bool] = {CoroutineType: True}
_ASK_EACH_TIME = object()


def is_awaitable(value: Any) -> bool:
    """Whether the executor must await `value`."""
    kind = type(value)
    known = _BY_TYPE.get(kind)
    if known is None:
        known = _BY_TYPE[kind] = _decide(kind)  # type: ignore[assignment]
    if known is _ASK_EACH_TIME:
        return optimized_is_awaitable(value)
    return known  # type: ignore[return-value]


def _decide(kind: type) -> bool | object:
    # `await` looks `__await__` up on the type; a class answering attributes dynamically
    # (a proxy) and generators (awaitable when made by a coroutine decorator) are asked
    if issubclass(kind, GeneratorType) or any("__getattr__" in vars(base) for base in kind.__mro__):
        return _ASK_EACH_TIME
    return hasattr(kind, "__await__")


class CrossdockExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, checking awaitables by type, leaves read directly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_awaitable = is_awaitable  # type: ignore[assignment]
        manager = self.middleware_manager  # strawberry's has a middleware per extension
        self._leaves_directly = manager is None or not manager.middlewares  # with a `resolve`

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any = None,
    ) -> Any:
        """A leaf's attribute, coerced as value completion would; else the executor's way."""
        field = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
        leaf = field.extensions.get(LEAF) if field is not None else None
        if leaf is not None and self._leaves_directly:
            try:
                value = getattr(source, leaf[0])
                if value is not None and not is_awaitable(value):
                    coerced = leaf[1].coerce_output_value(value)
                    if coerced is not None and coerced is not Undefined:
                        return coerced
            except Exception:  # noqa: S110 - the executor's way locates the error
                pass
        return super().execute_field(
            parent_type, source, field_details_list, path, position_context
        )
