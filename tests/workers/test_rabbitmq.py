"""RabbitMQ as the broker: the relay publishes with confirmed delivery and a worker consumes."""

from __future__ import annotations

import threading
import uuid

import dramatiq

from crossdock.broker import make_broker
from tests.factories import make_tenant
from tests.outbox_factories import pending_ids, record_events
from workers.relay import message_id, publish_pending
from workers.routing import Route


def test_a_relay_published_event_is_consumed_from_rabbitmq(sqlite_database, rabbitmq_url):
    # given
    tenant = make_tenant(sqlite_database)
    [event] = record_events(sqlite_database, tenant, 1)
    broker = make_broker(rabbitmq_url)
    queue = f"crossdock-test-{uuid.uuid4().hex[:12]}"
    received: list[tuple[str, str, str]] = []
    done = threading.Event()

    def note(provider_id: str, event_id: str) -> None:
        received.append(
            (
                provider_id,
                event_id,
                dramatiq.middleware.CurrentMessage.get_current_message().message_id,
            )
        )
        done.set()

    actor = dramatiq.actor(note, broker=broker, queue_name=queue, max_retries=0)
    worker = dramatiq.Worker(broker, queues={queue}, worker_threads=1, worker_timeout=100)
    # when
    try:
        published = publish_pending(
            sqlite_database.session_factory, broker, routes=[Route(actor.actor_name, None, queue)]
        )
        worker.start()
        done.wait(10)
        worker.stop()
    finally:
        for name in (queue, f"{queue}.DQ", f"{queue}.XQ"):
            broker.channel.queue_delete(name)
        broker.close()
    # then
    assert published == 1
    assert received == [(str(tenant.provider_id), str(event), message_id(event, "note"))]
    assert pending_ids(sqlite_database) == set()
