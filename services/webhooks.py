"""Webhook sending: claim a due delivery, send it outside any transaction, record the answer.

The database is the queue: a delivery is pending until sent, and its `next_attempt_at`
says when; whoever wakes a sender (an actor, a sweep) only says where to look.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime

from sqlalchemy.orm.exc import StaleDataError

from domain.webhooks import delivery
from domain.webhooks.models import WebhookDelivery
from tenants.unit_of_work import UnitFactory


def send_due(
    new_unit: UnitFactory,
    open_transport: Callable[[], delivery.WebhookTransport],
    clock: Callable[[], datetime],
    *,
    event_id: uuid.UUID | None = None,
    delivery_id: uuid.UUID | None = None,
    limit: int | None = None,
    sent_one: Callable[[WebhookDelivery], None] | None = None,
) -> int:
    """Claim and send due deliveries one at a time; how many were sent.

    The transport is opened on the first claimed delivery: most events have no endpoint,
    and an HTTP client costs ~20 ms of CPU (its TLS context loads the CA bundle).
    `sent_one` hears of each delivery after its attempt is recorded (to wake it for a retry).
    """
    sent = 0
    transport: delivery.WebhookTransport | None = None
    with new_unit() as uow, ExitStack() as closing:
        while limit is None or sent < limit:
            claimed = delivery.claim_due(
                uow, clock(), event_id=event_id, delivery_id=delivery_id, limit=1
            )
            uow.commit()  # the lease is durable before the request goes out
            if not claimed:
                break
            item, endpoint = claimed[0]
            if transport is None:
                transport = closing.enter_context(open_transport())
            try:
                delivery.attempt(uow, item, endpoint, transport, clock())
                uow.commit()
            except StaleDataError:  # the endpoint was deleted while we sent
                uow.rollback()
                continue
            sent += 1
            if sent_one is not None:
                sent_one(item)
    return sent
