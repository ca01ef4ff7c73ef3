"""Marking events processed: after effects spanning transactions, or a batch at a time."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from typing import TypeVar

from domain.outbox.consumption import first_time
from workers.runtime import unit_of_work

log = logging.getLogger("crossdock.workers.consumption")

R = TypeVar("R")


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


def event_ids(given: str | Sequence[str]) -> list[uuid.UUID]:
    """The event ids of a batched consumer's message: a list, or one id (sent by a relay
    that predates the batch, or by hand)."""
    return [uuid.UUID(one) for one in ([given] if isinstance(given, str) else given)]


def consume_batch(ids: list[uuid.UUID], work: Callable[[list[uuid.UUID]], list[R]]) -> list[R]:
    """`work(ids)`, which marks and processes the events in one transaction; what it returns.

    If it fails on several events, each is tried alone, so one event that cannot be
    processed does not hold back the others; then the first failure is raised (the message
    is retried, and the events already marked are skipped). Either way no event is
    half-processed: its mark and its effects commit or roll back together.
    """
    done, failure = try_batch(ids, work)
    if failure is not None:
        raise failure
    return done


def try_batch(
    ids: list[uuid.UUID], work: Callable[[list[uuid.UUID]], list[R]]
) -> tuple[list[R], Exception | None]:
    """`consume_batch` that hands back the first failure instead of raising it, with what
    the events that succeeded returned (for work that goes on after the transaction)."""
    try:
        return work(ids), None
    except Exception as error:
        if len(ids) < 2:
            return [], error
        log.warning("a batch of %d events failed; processing them one by one", len(ids))
    done: list[R] = []
    failure: Exception | None = None
    for one in ids:
        try:
            done += work([one])
        except Exception as error:  # the first is raised once every event had its chance
            log.warning("event %s failed alone: %r", one, error)
            failure = failure or error
    return done, failure
