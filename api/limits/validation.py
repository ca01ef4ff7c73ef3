"""Validation results cached per schema, keyed by the document's text.

Strawberry's ValidationCache keys its LRU on the parsed document, and graphql-core's AST
nodes are frozen dataclasses whose hash walks the whole tree on every lookup; the rule
classes are part of the key too, so a rule class built per request (a depth limiter made
in a factory) never hits. Here the key is the query's text (its hash is computed once,
by the string) with the rule classes, and the cache belongs to one schema.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from threading import Lock
from typing import Any

from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

VALIDATION_CACHE = 512
"""How many distinct documents' validation results are kept per schema."""

_Key = tuple[str, tuple[type[ASTValidationRule], ...]]


class ValidationResults:
    """A bounded LRU of validation errors by (query text, rules), with hit and miss counts."""

    def __init__(self, maxsize: int = VALIDATION_CACHE):
        self.maxsize = maxsize
        self.hits = 0
        self.misses = 0
        self._entries: OrderedDict[_Key, list[GraphQLError]] = OrderedDict()
        self._lock = Lock()

    def get(self, key: _Key) -> list[GraphQLError] | None:
        """The errors stored under `key` (an empty list for a valid document), or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                self.misses += 1
            else:
                self.hits += 1
                self._entries.move_to_end(key)
            return found

    def put(self, key: _Key, errors: list[GraphQLError]) -> None:
        """Remember `errors` under `key`, dropping the least recently used past maxsize."""
        with self._lock:
            self._entries[key] = errors
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)


def validation_cache(results: ValidationResults) -> type[SchemaExtension]:
    """The extension validating each document once per schema, sharing `results`."""

    class CachedValidation(SchemaExtension):
        """Validate a document the first time its text is seen; reuse the answer after."""

        cache = results

        def on_validate(self) -> Iterator[None]:
            run = self.execution_context
            if run.query is not None and run.graphql_document is not None:
                rules = tuple(run.validation_rules)
                key = (run.query, rules)
                errors = results.get(key)
                if errors is None:
                    errors = validate_document(run.schema._schema, run.graphql_document, rules)
                    results.put(key, errors)
                run.pre_execution_errors = list(errors)
            yield

    return CachedValidation


def schema_validation_results(schema: Any) -> ValidationResults:
    """The validation cache of a schema built by api.schema (tests read its counts)."""
    for extension in schema.extensions:
        cache = getattr(extension, "cache", None)
        if isinstance(cache, ValidationResults):
            return cache
    raise LookupError("the schema has no validation cache")
