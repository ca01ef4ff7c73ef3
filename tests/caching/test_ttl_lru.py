"""The shared TTL-LRU: answers for its seconds, bounded, least recently used out first."""

from __future__ import annotations

from caching.ttl_lru import TtlLru
from tests.tenants.test_key_cache import Clock


def test_an_entry_answers_until_its_seconds_are_up():
    # given
    clock = Clock()
    cache: TtlLru[str, int] = TtlLru(seconds=5, size=10, clock=clock)
    cache.put("a", 1)
    # when / then
    clock.now += 4.9
    assert cache.get("a") == 1
    clock.now += 0.1
    assert cache.get("a") is None
    assert len(cache) == 0  # the expired entry went with the miss
    assert (cache.hits, cache.misses) == (1, 1)


def test_the_least_recently_used_entry_goes_first_when_full():
    # given: room for two
    cache: TtlLru[str, int] = TtlLru(seconds=5, size=2, clock=Clock())
    cache.put("a", 1)
    cache.put("b", 2)
    cache.get("a")  # a used again: b is now the oldest
    # when
    cache.put("c", 3)
    # then
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_putting_again_renews_the_seconds():
    clock = Clock()
    cache: TtlLru[str, int] = TtlLru(seconds=5, size=10, clock=clock)
    cache.put("a", 1)
    clock.now += 4
    cache.put("a", 2)
    clock.now += 4
    assert cache.get("a") == 2


def test_forget_where_drops_only_what_it_picks():
    # given
    cache: TtlLru[tuple[str, int], str] = TtlLru(seconds=5, size=10, clock=Clock())
    for key in (("p1", 1), ("p1", 2), ("p2", 1)):
        cache.put(key, "value")
    # when
    dropped = cache.forget_where(lambda key, _: key[0] == "p1")
    # then
    assert dropped == 2
    assert cache.get(("p1", 1)) is None
    assert cache.get(("p2", 1)) == "value"


def test_a_value_read_before_a_forget_is_not_remembered():
    # given: a read starts, then something is forgotten while it runs
    cache: TtlLru[str, int] = TtlLru(seconds=5, size=10, clock=Clock())
    since = cache.generation
    cache.forget_where(lambda key, _: key == "other")
    # when
    kept = cache.put("a", 1, since)
    # then
    assert kept is False
    assert cache.get("a") is None
    assert cache.put("a", 1, cache.generation) is True
    assert cache.get("a") == 1


def test_clear_drops_everything_and_counts_as_a_forget():
    cache: TtlLru[str, int] = TtlLru(seconds=5, size=10, clock=Clock())
    cache.put("a", 1)
    since = cache.generation
    cache.clear()
    assert cache.get("a") is None
    assert cache.put("b", 2, since) is False
