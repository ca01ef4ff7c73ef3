"""Marking an event processed after effects that span several transactions."""

from __future__ import annotations

import uuid

from domain.outbox.consumption import first_time
from workers.runtime import unit_of_work


def mark_processed(provider_id: str, event_id: str, consumer: str) -> None:
    """Mark `event_id` processed by `consumer` once its effects are committed.

    For work that ends outside a transaction of ours (a shop told of a shipment, a
    dispatch given up); each step is guarded on its own, so a crash before the mark only
    costs a redundant check when the sweep sends the event again. Consumers whose effect
    is a transaction call `first_time` in it instead.
    """
    with unit_of_work(provider_id) as uow:
        first_time(uow, uuid.UUID(event_id), consumer)
        uow.commit()
