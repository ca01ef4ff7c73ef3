"""Reading what a StubBroker holds, without a worker."""

from __future__ import annotations

import dramatiq
from dramatiq.brokers.stub import StubBroker


def drain(broker: StubBroker, queue_name: str) -> list[dramatiq.Message]:
    """Take every message waiting on `queue_name`."""
    queue = broker.queues.get(queue_name)
    messages = []
    while queue is not None and not queue.empty():
        messages.append(dramatiq.Message.decode(queue.get_nowait()))
    return messages
