"""new_id: UUIDv7 that sort in the order they were made, within one process."""

from __future__ import annotations

import threading
import time
import uuid

from persistence import base
from persistence.base import new_id


def millis_of(value: uuid.UUID) -> int:
    return value.int >> 80


def test_ids_made_in_a_row_sort_in_creation_order():
    # when: far more ids than fit in distinct milliseconds
    ids = [new_id() for _ in range(20_000)]
    # then
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def test_ids_are_version_7_with_the_rfc_variant_and_the_current_millisecond():
    before = time.time_ns() // 1_000_000
    value = new_id()
    after = time.time_ns() // 1_000_000
    assert value.version == 7
    assert value.variant == uuid.RFC_4122
    assert before <= millis_of(value) <= after


def test_ids_stay_increasing_when_the_clock_steps_back(monkeypatch):
    # given
    clock = base._MonotonicClock()
    monkeypatch.setattr(base, "_clock", clock)
    monkeypatch.setattr(base.time, "time_ns", lambda: 2_000_000_000_000_000)
    first = new_id()
    # when: NTP moves the clock a second back
    monkeypatch.setattr(base.time, "time_ns", lambda: 1_999_999_000_000_000)
    second = new_id()
    # then
    assert second > first
    assert millis_of(second) == millis_of(first) == 2_000_000_000


def test_a_full_millisecond_borrows_the_next_one(monkeypatch):
    # given: the random part of this millisecond is all but used up
    clock = base._MonotonicClock()
    monkeypatch.setattr(base, "_clock", clock)
    monkeypatch.setattr(base.time, "time_ns", lambda: 5_000_000_000)
    first = new_id()
    clock.random = base._RANDOM_MASK
    # when
    second = new_id()
    # then
    assert second > first
    assert millis_of(second) == millis_of(first) + 1


def test_threads_never_share_an_id_and_each_sees_its_ids_increase():
    # given
    made: list[list[uuid.UUID]] = [[] for _ in range(8)]
    start = threading.Barrier(len(made))

    def make(out: list[uuid.UUID]) -> None:
        start.wait()
        out.extend(new_id() for _ in range(5_000))

    threads = [threading.Thread(target=make, args=(out,)) for out in made]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    every = [value for out in made for value in out]
    assert len(set(every)) == len(every)
    assert all(out == sorted(out) for out in made)
