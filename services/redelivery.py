"""Delivery that does not trust the broker: re-publish what consumers did not process.

The relay marks an event published once the broker accepted it; a broker that then loses
the message (restarted empty, a failover to a lagging replica) would leave the effect
undone forever. Consumers mark each event they process (domain.outbox.consumption); the
sweep compares the marks with the routes and re-publishes, with the same deterministic
message id, what a consumer has not marked a window after publication. `replay` is the
operator's version: re-send everything since a time, consumers skipping what they marked.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from domain.outbox.consumption import forget_before, processed_pairs
from domain.outbox.models import OutboxEvent
from domain.outbox.redelivery import note_redelivered, published_since, settle, unsettled_due
from domain.shipping.triggers import packed_without_attempt
from tenants.unit_of_work import UnitFactory

log = logging.getLogger("crossdock.redelivery")

MAX_REDELIVERIES = 6
"""Re-publications of one event before the sweep gives up on it (logged; replay remains)."""
SWEEP_BATCH = 500
MARK_RETENTION = timedelta(days=30)
"""Marks of events older than this are deleted; replaying such an event relies on each
consumer's own guard (every consumer is idempotent without its mark, only slower)."""
REDISPATCH_LOOKBACK = timedelta(days=2)
"""How far back the sweep looks for packed fulfillment orders dispatch never started."""

ConsumersOf = Callable[[str], list[str]]
"""The consumer names an event of a topic is routed to."""
ResentBy = Callable[[str], str | None]
"""What, besides a replay, sends a consumer's work again once the sweep gave up on it."""
Publish = Callable[[OutboxEvent, str], None]
"""Sends one event to one consumer with its deterministic message id."""


@dataclass
class SweepResult:
    """What one sweep of one provider did."""

    resent: Counter[str] = field(default_factory=Counter)
    """Messages re-published, by consumer."""
    examined: int = 0
    """Events read (a full batch means more may wait)."""
    settled: int = 0
    abandoned: int = 0
    redispatched: list[uuid.UUID] = field(default_factory=list)


def redeliver_unprocessed(
    new_unit: UnitFactory,
    now: datetime,
    window: timedelta,
    consumers_of: ConsumersOf,
    publish: Publish,
    *,
    max_redeliveries: int = MAX_REDELIVERIES,
    batch: int = SWEEP_BATCH,
    resent_by: ResentBy = lambda consumer: None,
) -> SweepResult:
    """Re-publish one batch of events published `window` ago to the consumers that have not
    marked them; settle the ones every consumer marked. An event given up on is logged with
    what sends it again: a replay, and whatever `resent_by` names for its consumers.

    Sends happen inside the transaction that notes them, as in the relay: a failing send
    notes nothing, and the next sweep tries again with the same message ids.
    """
    result = SweepResult()
    cutoff = now - window
    with new_unit() as uow:
        events = unsettled_due(uow, cutoff, batch)
        done = processed_pairs(uow, [event.id for event in events])
        settled, resent = [], []
        for event in events:
            missing = [c for c in consumers_of(event.topic) if (event.id, c) not in done]
            if not missing:
                settled.append(event.id)
            elif event.redeliveries >= max_redeliveries:
                log.error(
                    "event %s (%s) still unprocessed by %s after %d redeliveries; giving up (%s)",
                    event.id,
                    event.topic,
                    ", ".join(missing),
                    event.redeliveries,
                    _sent_again_by(missing, resent_by),
                )
                settled.append(event.id)
                result.abandoned += 1
            else:
                for consumer in missing:
                    publish(event, consumer)
                    result.resent[consumer] += 1
                resent.append(event.id)
        settle(uow, settled, now)
        note_redelivered(uow, resent, now)
        uow.commit()
    result.examined = len(events)
    result.settled = len(settled) - result.abandoned
    return result


def _sent_again_by(consumers: list[str], resent_by: ResentBy) -> str:
    ways = ["crossdock outbox replay sends it again"]
    for consumer in consumers:
        other = resent_by(consumer)
        if other:
            ways.append(f"for {consumer}, also {other}")
    return "; ".join(ways)


def forget_old_marks(new_unit: UnitFactory, now: datetime) -> int:
    """Delete the marks of events recorded more than MARK_RETENTION ago; how many."""
    with new_unit() as uow:
        deleted = forget_before(uow, now - MARK_RETENTION)
        uow.commit()
    return deleted


def stuck_packed(new_unit: UnitFactory, now: datetime, window: timedelta) -> list[uuid.UUID]:
    """Fulfillment orders packed longer than `window` ago that no dispatch has started."""
    with new_unit() as uow:
        return packed_without_attempt(uow, now - window, now - REDISPATCH_LOOKBACK, SWEEP_BATCH)


def replay(
    new_unit: UnitFactory,
    since: datetime,
    consumers_of: ConsumersOf,
    publish: Publish,
    *,
    batch: int = SWEEP_BATCH,
) -> Counter[str]:
    """Re-send every published event recorded since `since` to each of its consumers that
    `consumers_of` names; messages sent, by consumer. Consumers skip what they marked."""
    sent: Counter[str] = Counter()
    after: uuid.UUID | None = None
    while True:
        with new_unit() as uow:
            events = published_since(uow, since, after, batch)
            for event in events:
                for consumer in consumers_of(event.topic):
                    publish(event, consumer)
                    sent[consumer] += 1
            after = events[-1].id if events else after
        if len(events) < batch:
            return sent
