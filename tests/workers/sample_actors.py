"""A consumer actor for end-to-end tests, loaded by worker processes with ``--module``.

It reads the event through the worker's unit of work (the tenant's row-level security
applies) and writes one file per event into ``CROSSDOCK_TEST_ACTOR_DIR``; writing the
same file twice is harmless, so it is idempotent like every consumer.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import dramatiq

from domain.outbox.events import Topic
from domain.outbox.models import OutboxEvent
from workers import runtime
from workers.routing import consumes

QUEUE = "crossdock-test"


@consumes(Topic.ORDER_CREATED)
@dramatiq.actor(
    queue_name=QUEUE, max_retries=3, min_backoff=100, max_backoff=1_000, time_limit=10_000
)
def note_event(provider_id: str, event_id: str) -> None:
    """Write the event's topic to a file named after the event."""
    with runtime.unit_of_work(provider_id) as uow:
        event = uow.session.get(OutboxEvent, (uuid.UUID(provider_id), uuid.UUID(event_id)))
        topic = event.topic if event is not None else "missing"
    (Path(os.environ["CROSSDOCK_TEST_ACTOR_DIR"]) / event_id).write_text(topic)
