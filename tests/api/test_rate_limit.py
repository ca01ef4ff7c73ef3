"""Each key's budget of cost points: spent per operation, refused when empty, refilled over time."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import anyio
import pytest
import redis
from sqlalchemy import select
from starlette.testclient import TestClient

from api.limits.extension import QueryLimits
from api.limits.rate_limit import MemoryBuckets, RateLimiter
from api.limits.redis_buckets import RedisBuckets
from crossdock.app import create_app
from crossdock.limits import make_query_limits
from crossdock.settings import Settings
from tenants.models import Client
from tests.conftest import GraphQLClient
from tests.factories import make_key, make_tenant

VIEWER = "{ viewer { kind } }"
"""Costs one point."""


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def budget(store=None, capacity: int = 3, per_second: float = 0.5) -> tuple[QueryLimits, Clock]:
    clock = Clock()
    limiter = RateLimiter(store or MemoryBuckets(), capacity, per_second, clock=clock)
    return QueryLimits(max_cost=5000, limiter=limiter), clock


@pytest.fixture
def limited(database) -> Iterator[tuple[GraphQLClient, Clock]]:
    """The app with budgets of 3 points refilling at half a point a second, on a test clock."""
    limits, clock = budget()
    with TestClient(create_app(database.settings(), background=False, limits=limits)) as client:
        yield GraphQLClient(client, extensions=True), clock


def client_codes(database, tenant) -> set[str]:
    with database.session(tenant.provider_id) as session:
        return set(
            session.scalars(select(Client.code).where(Client.provider_id == tenant.provider_id))
        )


def code(result: dict) -> str:
    return result["errors"][0]["extensions"]["code"]


# --- the bucket -------------------------------------------------------------------------


def take(limiter: RateLimiter, bucket: str, cost: int):
    return anyio.run(limiter.take, bucket, cost)


def test_a_bucket_starts_full_spends_and_refuses_without_spending():
    # given
    limiter = RateLimiter(MemoryBuckets(), capacity=10, per_second=2, clock=Clock())
    # when
    spent = take(limiter, "key:a", 8)
    refused = take(limiter, "key:a", 5)
    # then
    assert (spent.allowed, spent.remaining, spent.resets_in) == (True, 2, 4)
    assert (refused.allowed, refused.remaining, refused.retry_after) == (False, 2, 2)
    assert take(limiter, "key:a", 2).allowed


def test_a_bucket_refills_with_time_up_to_its_capacity():
    clock = Clock()
    limiter = RateLimiter(MemoryBuckets(), capacity=10, per_second=2, clock=clock)
    take(limiter, "key:a", 10)
    clock.now += 1.5
    assert take(limiter, "key:a", 0).remaining == 3
    clock.now += 3600
    assert take(limiter, "key:a", 0).remaining == 10


# --- over HTTP --------------------------------------------------------------------------


def test_a_key_that_spent_its_budget_is_refused_with_a_retry_after(database, limited):
    # given
    gql, _ = limited
    tenant = make_tenant(database)
    answers = [gql(VIEWER, key=tenant.key) for _ in range(3)]
    # when
    refused = gql(VIEWER, key=tenant.key)
    # then
    assert [a["extensions"]["cost"]["remaining"] for a in answers] == [2, 1, 0]
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 2}
    assert refused["extensions"]["cost"] == {
        "requested": 1,
        "remaining": 0,
        "limit": 3,
        "resetsIn": 6,
    }


def test_a_refused_mutation_writes_nothing(database, limited):
    # given
    gql, _ = limited
    tenant = make_tenant(database)
    for _ in range(3):
        gql(VIEWER, key=tenant.key)
    # when
    refused = gql(
        'mutation { createClient(input: {code: "X", name: "X"}) { client { id } } }',
        key=tenant.key,
    )
    # then
    assert code(refused) == "RATE_LIMITED"
    assert client_codes(database, tenant) == {"A", "B"}


def test_another_key_of_the_same_provider_keeps_its_own_budget(database, limited):
    gql, _ = limited
    tenant = make_tenant(database)
    other = make_key(database, tenant)
    for _ in range(4):
        gql(VIEWER, key=tenant.key)
    assert gql(VIEWER, key=other)["data"] == {"viewer": {"kind": "PROVIDER"}}


def test_the_budget_refills_with_time(database, limited):
    # given
    gql, clock = limited
    tenant = make_tenant(database)
    for _ in range(4):
        gql(VIEWER, key=tenant.key)
    # when
    clock.now += 2
    # then
    assert gql(VIEWER, key=tenant.key)["data"] == {"viewer": {"kind": "PROVIDER"}}
    assert code(gql(VIEWER, key=tenant.key)) == "RATE_LIMITED"


def test_callers_without_a_valid_key_share_their_address_s_budget(database, limited):
    # given
    gql, _ = limited
    tenant = make_tenant(database)
    for _ in range(3):
        assert code(gql(VIEWER, key="cdk_guess")) == "INVALID_API_KEY"
    # when
    introspection = gql("{ __schema { queryType { name } } }")
    # then
    assert code(introspection) == "RATE_LIMITED"
    assert gql(VIEWER, key=tenant.key)["data"] == {"viewer": {"kind": "PROVIDER"}}


def test_the_settings_choose_where_budgets_live():
    def store(**env: str):
        limits = make_query_limits(Settings.from_env(env))
        limits.close()
        return type(limits.limiter.store) if limits.limiter else None

    assert store() is MemoryBuckets
    assert store(CROSSDOCK_BROKER_URL="amqp://guest@rabbit/") is MemoryBuckets
    assert store(CROSSDOCK_BROKER_URL="redis://redis:6379/0") is RedisBuckets
    assert store(CROSSDOCK_RATE_LIMIT_REDIS_URL="redis://limits:6379/1") is RedisBuckets
    assert store(CROSSDOCK_RATE_LIMIT_POINTS="0") is None
    with pytest.raises(ValueError, match="could never run"):
        store(CROSSDOCK_RATE_LIMIT_POINTS="100", CROSSDOCK_MAX_QUERY_COST="500")


# --- Redis ------------------------------------------------------------------------------


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix of this test alone; its keys are deleted afterwards."""
    prefix = f"crossdock-test-{uuid.uuid4().hex[:12]}:ratelimit"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def test_two_app_processes_share_one_budget_in_redis(sqlite_database, redis_url, redis_prefix):
    # given: two apps, each with its own Redis connection, on one clock
    first, clock = budget(RedisBuckets(redis_url, redis_prefix))
    second, _ = budget(RedisBuckets(redis_url, redis_prefix))
    second.limiter.clock = clock
    tenant = make_tenant(sqlite_database)
    settings = sqlite_database.settings()
    with (
        TestClient(create_app(settings, background=False, limits=first)) as one,
        TestClient(create_app(settings, background=False, limits=second)) as two,
    ):
        a, b = GraphQLClient(one, extensions=True), GraphQLClient(two, extensions=True)
        # when
        spent = [a(VIEWER, key=tenant.key), b(VIEWER, key=tenant.key), a(VIEWER, key=tenant.key)]
        refused = b(VIEWER, key=tenant.key)
        clock.now += 2
        refilled = b(VIEWER, key=tenant.key)
    # then
    assert [s["extensions"]["cost"]["remaining"] for s in spent] == [2, 1, 0]
    assert refused["errors"][0]["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 2}
    assert refilled["data"] == {"viewer": {"kind": "PROVIDER"}}
    keys = redis.Redis.from_url(redis_url).keys(f"{redis_prefix}:*")
    assert len(keys) == 1
    assert 0 < redis.Redis.from_url(redis_url).pttl(keys[0]) <= 7000


def test_an_unreachable_redis_lets_requests_through(sqlite_database):
    limits, _ = budget(RedisBuckets("redis://127.0.0.1:1/0", "unused", timeout=0.2))
    tenant = make_tenant(sqlite_database)
    app = create_app(sqlite_database.settings(), background=False, limits=limits)
    with TestClient(app) as client:
        for _ in range(5):
            assert GraphQLClient(client, extensions=True)(VIEWER, key=tenant.key)["data"]["viewer"]
