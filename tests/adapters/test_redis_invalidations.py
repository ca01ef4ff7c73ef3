"""Invalidations over Redis pub/sub: heard by the other processes before the publisher
returns, never twice by the publisher, and caches emptied when the subscription drops."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis

from adapters.redis_invalidations import RedisInvalidations
from caching.invalidation import Invalidations


class Process:
    """One process's invalidations and what its caches were told."""

    def __init__(self, url: str, channel: str, listen: bool = True) -> None:
        self.bus, self.heard = Invalidations(), []
        self.bus.subscribe("keys", self.heard.append, lambda: self.heard.append("EMPTIED"))
        self.transport = RedisInvalidations(url, channel, self.bus, listen=listen)
        self.bus.install(self.transport)


@pytest.fixture
def processes(redis_url, redis_namespace) -> Iterator[tuple[Process, Process]]:
    channel = f"{redis_namespace}:invalidations"
    one, other = Process(redis_url, channel), Process(redis_url, channel)
    yield one, other
    one.bus.uninstall(one.transport)
    other.bus.uninstall(other.transport)


def _until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_news_is_applied_by_the_other_process_before_it_next_answers(processes):
    # given
    one, other = processes
    for number in range(100):
        # when: one publishes; the other, right after, catches up (its thread may not have)
        one.bus.publish("keys", f"k{number}")
        other.bus.catch_up()
        # then
        assert other.heard[-1] == f"k{number}"
    assert one.heard == other.heard == [f"k{number}" for number in range(100)]


def test_a_publisher_that_does_not_listen_still_reaches_the_listeners(
    processes, redis_url, redis_namespace
):
    # given: the command line publishes only
    _, server = processes
    command = Process(redis_url, f"{redis_namespace}:invalidations", listen=False)
    try:
        # when
        command.bus.publish("keys", "k1")
        # then
        assert _until(lambda: server.heard == ["k1"])
    finally:
        command.bus.uninstall(command.transport)


def test_a_dropped_subscription_empties_the_caches_and_comes_back(processes, redis_url):
    # given
    one, other = processes
    host, port = other.transport._pubsub.connection._sock.getsockname()[:2]
    # when: Redis drops the other's subscription (only it: the server may be shared)
    redis.Redis.from_url(redis_url).client_kill_filter(_id=None, addr=f"{host}:{port}")
    # then: emptied when noticed and once subscribed again, and news flows once more
    assert _until(lambda: other.heard.count("EMPTIED") >= 2 and other.transport.listening)
    one.bus.publish("keys", "after")
    other.bus.catch_up()
    assert other.heard[-1] == "after"


def test_an_unreachable_redis_loses_the_news_but_not_the_change_here():
    # given: nothing listens on port 1
    process = Process("redis://127.0.0.1:1/0", "nowhere:invalidations")
    try:
        # when
        process.bus.publish("keys", "k1")
        process.bus.catch_up()
        # then: applied here, not raised; the others' seconds bound it
        assert process.heard == ["k1"]
        assert not process.transport.listening
    finally:
        process.bus.uninstall(process.transport)


def test_an_idle_subscription_past_descriptor_1024_is_not_taken_for_a_busy_one(
    redis_url, redis_namespace
):
    # given: a busy server's descriptors (select() cannot watch these; the thread would spin)
    import resource
    import socket

    from adapters.redis_invalidations import _wait_readable

    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < 1200:
        pytest.skip("needs more than 1,200 open files")
    filler = [socket.socket() for _ in range(1100)]
    channel = f"{redis_namespace}:invalidations"
    try:
        one, other = Process(redis_url, channel), Process(redis_url, channel)
        try:
            pubsub = other.transport._pubsub
            assert pubsub.connection._sock.fileno() > 1024
            # then: idle reads idle, and news still arrives
            assert _wait_readable(pubsub, timeout=0) is False
            one.bus.publish("keys", "k1")
            other.bus.catch_up()
            assert other.heard == ["k1"]
        finally:
            one.bus.uninstall(one.transport)
            other.bus.uninstall(other.transport)
    finally:
        for sock in filler:
            sock.close()
