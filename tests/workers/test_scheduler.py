"""The periodic-job scheduler outlives a broker outage and keeps to its slots."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import dramatiq
from dramatiq.brokers.stub import StubBroker

from workers.scheduler import Job, run_scheduler


class DownFor(StubBroker):
    """A broker that refuses the first `n` messages, like one restarting."""

    def __init__(self, n: int):
        super().__init__()
        self.declare_queue("default")
        self.left = n

    def enqueue(self, message: dramatiq.Message, *, delay: int | None = None) -> dramatiq.Message:
        if self.left:
            self.left -= 1
            raise ConnectionError("broker went away")
        return super().enqueue(message, delay=delay)


class Ticks(threading.Event):
    """A stop event whose waits are ticks of a clock moving `step`; set after `count` ticks."""

    def __init__(self, count: int, step: timedelta):
        super().__init__()
        self.now = datetime(2026, 3, 1, 0, 5, tzinfo=UTC)
        self.count, self.step = count, step

    def wait(self, timeout: float | None = None) -> bool:
        self.count -= 1
        self.now += self.step
        if self.count == 0:
            self.set()
        return self.is_set()


def test_a_job_the_broker_refuses_is_sent_on_the_next_tick_and_the_loop_goes_on():
    # given: the broker refuses the first two messages; ticks 30 s apart in one hourly slot
    broker = DownFor(2)
    ticks = Ticks(4, timedelta(seconds=30))
    # when
    run_scheduler(ticks, broker, lambda: ticks.now, (Job("schedule_billing", timedelta(hours=1)),))
    # then: the slot's job went out once, on the third tick
    assert broker.left == 0
    assert len(broker.queues["default"].queue) == 1
