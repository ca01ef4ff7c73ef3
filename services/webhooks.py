"""Webhook sending: claim a due delivery, send it outside any transaction, record the answer.

The database is the queue: a delivery is pending until sent, and its `next_attempt_at`
says when; whoever wakes a sender (an actor, a sweep) only says where to look. A claimed
delivery is leased to its sender, the lease renewed while the request is out; a sender
that dies leaves it due again when the lease runs out (delivery.LEASE).
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta

from sqlalchemy.orm.exc import StaleDataError

from domain.webhooks import delivery
from domain.webhooks.models import WebhookDelivery
from tenants.unit_of_work import UnitFactory

log = logging.getLogger("crossdock.webhooks")


def send_due(
    new_unit: UnitFactory,
    open_transport: Callable[[], delivery.WebhookTransport],
    clock: Callable[[], datetime],
    *,
    event_id: uuid.UUID | None = None,
    delivery_id: uuid.UUID | None = None,
    limit: int | None = None,
    sent_one: Callable[[WebhookDelivery], None] | None = None,
    lease: timedelta = delivery.LEASE,
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
                uow, clock(), event_id=event_id, delivery_id=delivery_id, limit=1, lease=lease
            )
            uow.commit()  # the lease is durable before the request goes out
            if not claimed:
                break
            item, endpoint = claimed[0]
            if transport is None:
                transport = closing.enter_context(open_transport())
            try:
                held = item.next_attempt_at
                assert held is not None  # a claimed delivery is leased until a time
                with lease_kept(new_unit, item.id, held, clock, lease):
                    outcome = delivery.send(item, endpoint, transport)
                delivery.record(uow, item, outcome, clock())
                uow.commit()
            except StaleDataError:  # the endpoint was deleted while we sent
                uow.rollback()
                continue
            sent += 1
            if sent_one is not None:
                sent_one(item)
    return sent


@contextmanager
def lease_kept(
    new_unit: UnitFactory,
    delivery_id: uuid.UUID,
    held_until: datetime,
    clock: Callable[[], datetime],
    lease: timedelta,
) -> Iterator[None]:
    """Renew the delivery's lease every third of it while the block runs (the request)."""
    stop = threading.Event()

    def renew() -> None:
        held = held_until
        while not stop.wait(lease.total_seconds() / 3):
            until = clock() + lease
            try:
                with new_unit() as uow:
                    renewed = delivery.renew_lease(uow, delivery_id, held, until)
                    uow.commit()
            except Exception:  # the send goes on; at worst the lease runs out (at least once)
                log.warning("could not renew the lease of delivery %s", delivery_id, exc_info=True)
                continue
            if not renewed:
                return
            held = until

    keeper = threading.Thread(target=renew, name=f"lease-{delivery_id}", daemon=True)
    keeper.start()
    try:
        yield
    finally:
        stop.set()
        keeper.join()
