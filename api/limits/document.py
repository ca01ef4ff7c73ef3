"""Bounds on a GraphQL document, checked before validation: size, depth, and who may send it.

Everything here is linear in the document's length: fragments are measured once each,
however often they are spread, so a document that doubles its fragments at each level
(the "fragment bomb") costs no more to measure than it is long.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from functools import lru_cache

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension

from api.errors import PublicError
from api.limits.extension import charge_refusal
from api.limits.strings import check_literals, check_variables

MAX_TOKENS = 5_000
"""The most lexical tokens a document may hold; GraphiQL's introspection query has 163."""
DOCUMENT_CACHE = 512
"""How many distinct documents stay parsed."""


class DocumentTooLarge(PublicError):
    """The document holds more tokens than any operation needs."""

    def __init__(self) -> None:
        super().__init__(
            "DOCUMENT_TOO_LARGE",
            f"The document holds more than {MAX_TOKENS} tokens. Send a smaller document; "
            "pass large values as variables.",
        )


class QueryTooDeep(PublicError):
    """The operation nests fields deeper than allowed."""

    def __init__(self, name: str, maximum: int):
        super().__init__(
            "QUERY_TOO_DEEP", f"'{name}' exceeds the maximum operation depth of {maximum}."
        )
        self.extensions["maximum"] = maximum


@lru_cache(maxsize=DOCUMENT_CACHE)
def parse_document(query: str) -> DocumentNode:
    """The parsed document, cached; refused past MAX_TOKENS before the parser goes further,
    and when a literal holds a string no field can store."""
    try:
        document = parse(query, max_tokens=MAX_TOKENS, no_location=False)
    except GraphQLError as error:
        if "tokens" in error.message and "Parsing aborted" in error.message:
            raise DocumentTooLarge() from None
        raise
    check_literals(document)
    return document


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    """The document's fragments by name."""
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def operations_of(document: DocumentNode) -> Iterator[OperationDefinitionNode]:
    """The document's operations."""
    return (d for d in document.definitions if isinstance(d, OperationDefinitionNode))


class _Heights:
    """The nesting height of selection sets, each fragment measured once."""

    def __init__(self, fragments: Mapping[str, FragmentDefinitionNode]):
        self.fragments = fragments
        self.known: dict[str, int] = {}

    def of(self, selection_set: SelectionSetNode | None) -> int:
        """How many levels of fields the selection set holds; introspection fields count 0."""
        if selection_set is None:
            return 0
        height = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if not selection.name.value.startswith("__"):
                    height = max(height, 1 + self.of(selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                height = max(height, self.of(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                height = max(height, self.fragment(selection.name.value))
        return height

    def fragment(self, name: str) -> int:
        """A fragment's height; an unknown or cyclic spread counts 0 (validation refuses it)."""
        if name not in self.known:
            self.known[name] = 0  # a spread met again while measuring is a cycle
            definition = self.fragments.get(name)
            if definition is not None:
                self.known[name] = self.of(definition.selection_set)
        return self.known[name]


def check_depth(document: DocumentNode, max_depth: int) -> None:
    """Refuse an operation whose fields nest more than `max_depth` levels below the root."""
    heights = _Heights(fragments_of(document))
    for operation in operations_of(document):
        if heights.of(operation.selection_set) - 1 > max_depth:
            name = operation.name.value if operation.name else "anonymous"
            raise QueryTooDeep(name, max_depth)


def needs_key(document: DocumentNode, operation_name: str | None) -> bool:
    """Whether the operation selects anything at its root beyond introspection."""
    fragments = fragments_of(document)
    seen: set[str] = set()
    pending = [
        o.selection_set
        for o in operations_of(document)
        if operation_name is None or (o.name is not None and o.name.value == operation_name)
    ]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                if not selection.name.value.startswith("__"):
                    return True
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name not in seen and name in fragments:
                    seen.add(name)
                    pending.append(fragments[name].selection_set)
    return False


def document_guard(max_depth: int) -> type[SchemaExtension]:
    """The extension bounding documents to `max_depth`, as a class strawberry builds per run."""

    class DocumentGuard(SchemaExtension):
        """Parse within the token limit (cached), then, before validation: depth, and the key.

        An operation that reads or writes anything needs a valid key; it is checked here,
        before validation and cost analysis, so a caller without one costs a parse only.
        On a WebSocket the key is checked again for every operation, so a revoked key's
        next operation is refused.
        """

        def on_parse(self) -> Iterator[None]:
            run = self.execution_context
            if run.query:
                run.graphql_document = parse_document(run.query)
            yield

        async def on_validate(self) -> AsyncIterator[None]:  # type: ignore[override]
            run = self.execution_context
            assert run.graphql_document is not None
            check_depth(run.graphql_document, max_depth)
            check_variables(run.variables)
            context = run.context
            if isinstance(getattr(context, "request", None), WebSocket):
                await context.reauthenticate()
            if needs_key(run.graphql_document, run.operation_name):
                try:
                    await context.scope()
                except PublicError:
                    await charge_refusal(context)
                    raise
            yield

    return DocumentGuard
