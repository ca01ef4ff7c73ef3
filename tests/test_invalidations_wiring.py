"""Which Redis carries cache invalidations, and the composition root installing it."""

from __future__ import annotations

import pytest

from caching.invalidation import INVALIDATIONS
from crossdock.invalidations import invalidations_shared
from crossdock.serve import workers_caveat
from crossdock.settings import Settings


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, None),
        ({"CROSSDOCK_BROKER_URL": "amqp://guest@mq//"}, None),
        ({"CROSSDOCK_BROKER_URL": "redis://broker/0"}, "redis://broker/0"),
        (
            {
                "CROSSDOCK_BROKER_URL": "redis://broker/0",
                "CROSSDOCK_RATE_LIMIT_REDIS_URL": "redis://rl/1",
            },
            "redis://rl/1",
        ),
        (
            {
                "CROSSDOCK_RATE_LIMIT_REDIS_URL": "redis://rl/1",
                "CROSSDOCK_INVALIDATION_REDIS_URL": "redis://inv/2",
            },
            "redis://inv/2",
        ),
    ],
)
def test_invalidations_use_their_own_redis_else_the_rate_limits_else_a_redis_broker(env, expected):
    assert Settings.from_env(env).invalidation_redis_url == expected


def test_without_redis_nothing_is_installed():
    with invalidations_shared(Settings.from_env({}), listen=True):
        assert INVALIDATIONS.transport is None


def test_with_redis_a_transport_is_installed_for_the_block_only(redis_url, redis_namespace):
    settings = Settings.from_env(
        {
            "CROSSDOCK_INVALIDATION_REDIS_URL": redis_url,
            "CROSSDOCK_BROKER_NAMESPACE": redis_namespace,
        }
    )
    with invalidations_shared(settings, listen=True):
        transport = INVALIDATIONS.transport
        assert transport is not None
        assert transport.channel == f"{redis_namespace}:invalidations"
        assert transport.listening
    assert INVALIDATIONS.transport is None
    assert not transport.listening


def test_several_processes_without_an_invalidation_redis_are_warned_of():
    # given: RabbitMQ for the work, no rate limit, so no Redis at all
    rabbit = {"CROSSDOCK_BROKER_URL": "amqp://guest@mq//", "CROSSDOCK_RATE_LIMIT_POINTS": "0"}
    redis_too = rabbit | {"CROSSDOCK_INVALIDATION_REDIS_URL": "redis://inv/0"}
    # then
    assert "CROSSDOCK_INVALIDATION_REDIS_URL" in workers_caveat(Settings.from_env(rabbit), 2)
    assert workers_caveat(Settings.from_env(rabbit), 1) is None
    assert workers_caveat(Settings.from_env(redis_too), 2) is None
