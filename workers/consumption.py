"""Marking an event processed after effects that span several transactions."""

from __future__ import annotations

import uuid

from domain.outbox.consumption import first_time
from workers.runtime import unit_of_work


def mark_processed(provider_id: str, event_id: str, consumer: str) -> None:
    """Mark `event_id` processed by `consumer` once its effects are committed.

    For consumers whose work spans transactions (a label bought between them); each of
    their steps is guarded on its own, so a crash before the mark only costs a redundant
    check when the sweep sends the event again. One-transaction consumers call
    `first_time` in that transaction instead.
    """
    with unit_of_work(provider_id) as uow:
        first_time(uow, uuid.UUID(event_id), consumer)
        uow.commit()
