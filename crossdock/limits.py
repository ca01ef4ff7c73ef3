"""The request limits the settings ask for: the cost cap and where rate-limit budgets live."""

from __future__ import annotations

from api.limits.extension import QueryLimits
from api.limits.rate_limit import BucketStore, MemoryBuckets, RateLimiter
from crossdock.settings import Settings


def make_query_limits(settings: Settings) -> QueryLimits:
    """The cost cap, and a limiter over Redis when one is configured, else over memory."""
    if settings.rate_limit_points <= 0:
        return QueryLimits(max_cost=settings.max_query_cost)
    if settings.max_query_cost > settings.rate_limit_points:
        raise ValueError(
            "CROSSDOCK_MAX_QUERY_COST exceeds CROSSDOCK_RATE_LIMIT_POINTS: "
            "operations between the two could never run"
        )
    store: BucketStore
    if settings.rate_limit_redis_url:
        from api.limits.redis_buckets import RedisBuckets

        prefix = f"{settings.broker_namespace}:ratelimit"
        store = RedisBuckets(settings.rate_limit_redis_url, prefix=prefix)
    else:
        store = MemoryBuckets()
    limiter = RateLimiter(
        store,
        capacity=settings.rate_limit_points,
        per_second=settings.rate_limit_points / settings.rate_limit_period_seconds,
    )
    return QueryLimits(max_cost=settings.max_query_cost, limiter=limiter)
