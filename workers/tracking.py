"""Tracking actors: a periodic fan-out over shipments on their way, and one poll per shipment."""

from __future__ import annotations

import uuid

import dramatiq

from domain.shipping.carriers.base import PermanentCarrierError
from domain.shipping.tracking import POLLER_TASK, shipments_to_poll
from persistence.base import utcnow
from services.tracking import poll_shipment
from workers import queues
from workers.runtime import system_unit_of_work, unit_of_work

POLL_BATCH = 5_000
"""Shipments one fan-out sends; the oldest first, the rest on the next run."""


@dramatiq.actor(
    queue_name=queues.TRACKING,
    max_retries=3,
    min_backoff=10_000,
    max_backoff=60_000,
    time_limit=60_000,
)
def poll_tracking() -> None:
    """Send one `track_shipment` per shipment still on its way, of every provider."""
    with system_unit_of_work(POLLER_TASK) as uow:
        due = shipments_to_poll(uow.session, utcnow(), POLL_BATCH)
    for provider_id, shipment_id in due:
        track_shipment.send(str(provider_id), str(shipment_id))


@dramatiq.actor(
    queue_name=queues.TRACKING,
    max_retries=3,
    min_backoff=5_000,
    max_backoff=300_000,
    time_limit=60_000,
    throws=(PermanentCarrierError,),  # an unknown number stays unknown; the next fan-out asks again
)
def track_shipment(provider_id: str, shipment_id: str) -> None:
    """Poll the carrier for one shipment; events seen before are not added again."""
    poll_shipment(lambda: unit_of_work(provider_id), uuid.UUID(shipment_id))
