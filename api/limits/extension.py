"""The schema extension that prices each operation, refuses it or charges the caller's budget."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from graphql import OperationType
from strawberry.extensions import SchemaExtension

from api.errors import PublicError
from api.limits.cost import MIN_COST, operation_cost
from api.limits.rate_limit import RateLimiter
from telemetry.metrics import instruments


@dataclass(frozen=True)
class QueryLimits:
    """The most one operation may cost, and the budgets operations are charged to (if any)."""

    max_cost: int
    limiter: RateLimiter | None = None

    def close(self) -> None:
        """Release the budget store's connections."""
        if self.limiter is not None:
            self.limiter.store.close()


class QueryTooCostly(PublicError):
    """The operation would cost more than any single operation may."""

    def __init__(self, cost: int, maximum: int):
        super().__init__(
            "QUERY_TOO_COSTLY",
            f"The query costs {cost} points; at most {maximum} are allowed. "
            "Ask for smaller pages or fewer nested lists.",
        )
        self.extensions.update(cost=cost, maximum=maximum)


class RateLimited(PublicError):
    """The caller's budget holds fewer points than the operation costs."""

    def __init__(self, retry_after: int):
        super().__init__("RATE_LIMITED", f"Rate limit reached; retry in {retry_after} seconds.")
        self.extensions["retryAfter"] = retry_after


class QueryCostLimit(SchemaExtension):
    """After validation: refuse costly operations, charge the caller, report the cost.

    Keys are charged by key; callers without a valid key (introspection, a bad key) by
    client address, so guessing keys spends a budget too. Subscriptions are charged once,
    when they start.
    """

    def __init__(self, *, execution_context: Any = None):
        self.report: dict[str, int] = {}

    async def on_execute(self) -> AsyncIterator[None]:
        """Price, refuse or charge, then let execution run."""
        run = self.execution_context
        assert run.graphql_document is not None
        cost = operation_cost(
            run.schema._schema, run.graphql_document, run.variables, run.operation_name
        )
        self.report = {"requested": cost}
        instruments().graphql_cost.labels(run.operation_type.value).observe(cost)
        limits: QueryLimits | None = getattr(run.context, "limits", None)
        if limits is not None:
            if cost > limits.max_cost:
                instruments().rate_limit_refusals.labels("QUERY_TOO_COSTLY").inc()
                raise QueryTooCostly(cost, limits.max_cost)
            if limits.limiter is not None:
                await self._charge(limits.limiter, run.context, cost)
        yield

    async def _charge(self, limiter: RateLimiter, context: Any, cost: int) -> None:
        allowance = await limiter.take(await _bucket(context), cost)
        self.report.update(
            remaining=allowance.remaining, limit=limiter.capacity, resetsIn=allowance.resets_in
        )
        if not allowance.allowed:
            instruments().rate_limit_refusals.labels("RATE_LIMITED").inc()
            raise RateLimited(allowance.retry_after)

    def get_results(self) -> dict[str, Any]:
        """The cost under `extensions.cost`; not repeated on every subscription event."""
        if not self.report or self.execution_context.operation_type is OperationType.SUBSCRIPTION:
            return {}
        return {"cost": self.report}


async def charge_refusal(context: Any) -> None:
    """Charge a caller refused before execution (a bad key) the least an operation costs.

    Refused callers are charged by address, so guessing keys spends a budget too.
    """
    limits: QueryLimits | None = getattr(context, "limits", None)
    if limits is not None and limits.limiter is not None:
        allowance = await limits.limiter.take(await _bucket(context), MIN_COST)
        if not allowance.allowed:
            instruments().rate_limit_refusals.labels("RATE_LIMITED").inc()
            raise RateLimited(allowance.retry_after)


async def _bucket(context: Any) -> str:
    try:
        scope = await context.scope()
    except PublicError:
        client = context.request.client
        return f"ip:{client.host if client else 'unknown'}"
    if scope.user_id is not None:
        return f"user:{scope.user_id}"
    return f"key:{scope.key_id or scope.provider_id}"
