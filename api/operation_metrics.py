"""Per-operation metrics: one measurement per GraphQL operation, never per resolved field."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from telemetry.metrics import instruments, operation_label

_CODE = re.compile(r"[A-Z][A-Z_]{0,39}")


class OperationMetrics(SchemaExtension):
    """Count each operation by name, type and outcome, and time it.

    The outcome is ``ok``, or the code of the answer's first error (a closed set: the
    schema's error codes), or ``error`` for an uncoded one.
    """

    def on_operation(self) -> Iterator[None]:
        """Time the whole operation: parse, validation, execution, masking."""
        started = time.perf_counter()
        try:
            yield
        except GraphQLError as error:  # a refusal raised by a limit, answered as an error
            self._record(started, _code(error))
            raise
        self._record(started, _outcome(self.execution_context))

    def _record(self, started: float, outcome: str) -> None:
        run = self.execution_context
        name = operation_label(run.operation_name)
        kind = _kind(run)
        metrics = instruments()
        metrics.graphql_requests.labels(name, kind, outcome).inc()
        metrics.graphql_duration.labels(name, kind).observe(time.perf_counter() - started)


def _kind(run: Any) -> str:
    """query, mutation or subscription; ``unknown`` when the document did not parse."""
    if run.graphql_document is None:
        return "unknown"
    try:
        return run.operation_type.value
    except RuntimeError:  # strawberry's answer when no operation matches the name
        return "unknown"


def _outcome(run: object) -> str:
    errors = list(getattr(run, "pre_execution_errors", None) or ())
    result = getattr(run, "result", None)
    if result is not None and result.errors:
        errors.extend(result.errors)
    if not errors:
        return "ok"
    return _code(errors[0])


def _code(error: GraphQLError) -> str:
    code = (error.extensions or {}).get("code")
    if code is None and error.original_error is not None:
        code = (getattr(error.original_error, "extensions", None) or {}).get("code")
    return code if isinstance(code, str) and _CODE.fullmatch(code) else "error"
