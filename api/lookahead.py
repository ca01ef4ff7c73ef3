"""Look-ahead: a page's children loaded with the page, as its selection set asks.

A list resolver reads which relations its nodes' selection names (fragments included),
recursively, and loads each requested relation for the whole page in the same worker-thread
call that reads the page: one statement per relation, one thread hop for all of them. The
relation fields then answer synchronously from what was loaded, with no task, future or
dataloader round trip per field; a field whose data was not looked ahead (a lookup by id,
a mutation's payload) falls back to its per-request dataloader, at the same statement count.

Areas declare their relations (`relation(...)`) beside their types; nothing here knows a query.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode
from strawberry.types import Info

from tenants.unit_of_work import TenantUnitOfWork

MISSING: Any = object()
"""What `found` answers when the value was not looked ahead."""

Load = Callable[[TenantUnitOfWork, list[Any]], Mapping[Any, Any]]


@dataclass(frozen=True)
class Relation:
    """A field of `parent` loaded for many parents at once.

    `load(uow, keys)` answers a mapping from each key (the parent's `key` attribute) to the
    value: a list for a to-many relation (`many`), else one row or None. `child` names the
    model of the rows it yields, whose own relations may be looked ahead in turn; `store`
    is where resolvers find the values (`found`).
    """

    parent: type[Any]
    name: str
    key: str
    load: Load
    many: bool
    child: type[Any] | None
    store: Hashable


@dataclass
class Step:
    """One relation to load, then the steps to take on the rows it yields."""

    relation: Relation
    then: list[Step] = field(default_factory=list)


_RELATIONS: dict[type[Any], dict[str, Relation]] = {}


def relation(
    parent: type[Any],
    name: str,
    *,
    key: str,
    load: Load,
    many: bool,
    child: type[Any] | None = None,
    store: Hashable | None = None,
) -> Relation:
    """Declare that GraphQL field `name` of rows of model `parent` can be looked ahead."""
    declared = Relation(parent, name, key, load, many, child, store or (parent, name))
    _RELATIONS.setdefault(parent, {})[name] = declared
    return declared


def plan_for_nodes(info: Info[Any, None], model: type[Any]) -> list[Step]:
    """The steps for the nodes of the connection being resolved (`edges { node }`, `nodes`)."""
    fragments = info._raw_info.fragments
    nodes: list[FieldNode] = []
    for connection in info._raw_info.field_nodes:
        for edges in _fields(connection.selection_set, fragments, ("edges",)):
            nodes += _fields(edges.selection_set, fragments, ("node",))
        nodes += _fields(connection.selection_set, fragments, ("nodes",))
    return _plan(model, nodes, fragments)


def _plan(model: type[Any], nodes: Sequence[FieldNode], fragments: Mapping[str, Any]) -> list[Step]:
    relations = _RELATIONS.get(model, {})
    if not relations:
        return []
    chosen: dict[str, list[FieldNode]] = {}
    for node in nodes:
        for selected in _fields(node.selection_set, fragments, relations):
            chosen.setdefault(selected.name.value, []).append(selected)
    steps = []
    for name, selected in chosen.items():
        declared = relations[name]
        then = _plan(declared.child, selected, fragments) if declared.child else []
        steps.append(Step(declared, then))
    return steps


def _fields(
    selection_set: SelectionSetNode | None, fragments: Mapping[str, Any], names: Iterable[str]
) -> list[FieldNode]:
    """The fields named in `names` selected in the set, through fragments, by field name.

    `@skip` and `@include` are not evaluated: looking ahead a field that is then skipped
    costs one statement, never a wrong answer.
    """
    wanted = set(names)
    found: list[FieldNode] = []
    pending = [selection_set] if selection_set is not None else []
    seen: set[str] = set()
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                if selection.name.value in wanted:
                    found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    pending.append(fragments[name].selection_set)
    return found


def run_plan(uow: TenantUnitOfWork, steps: Sequence[Step], parents: Sequence[Any]) -> Loaded:
    """Load every step for `parents`, and their steps for what they yield (in the DB thread)."""
    loaded: Loaded = {}
    _run(uow, steps, parents, loaded)
    return loaded


Loaded = dict[Hashable, dict[Any, Any]]


def _run(
    uow: TenantUnitOfWork, steps: Sequence[Step], parents: Sequence[Any], into: Loaded
) -> None:
    for step in steps:
        declared = step.relation
        keys = list({getattr(parent, declared.key) for parent in parents} - {None})
        values = declared.load(uow, keys) if keys else {}
        empty: Any = [] if declared.many else None
        store = into.setdefault(declared.store, {})
        for key in keys:
            store[key] = values.get(key, empty)
        if step.then:
            children = [
                row
                for key in keys
                for row in (store[key] if declared.many else (store[key],))
                if row is not None
            ]
            _run(uow, step.then, children, into)


def found(context: Any, store: Hashable, key: Any) -> Any:
    """The looked-ahead value under `key` in `store`, or MISSING."""
    values = context.preloaded.get(store)
    if values is None:
        return MISSING
    return values.get(key, MISSING)
