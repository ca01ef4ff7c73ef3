"""The periodic-job scheduler: a small loop that enqueues actors on a fixed cadence.

Run exactly one per deployment (``crossdock scheduler``; inside ``crossdock serve`` on the
embedded broker). It only enqueues; the workers do the work, and every periodic actor is
idempotent, so a scheduler restarted or briefly doubled costs a redundant run, never a double bill.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from dramatiq import Broker, Message

from persistence.unit_of_work import UnitOfWork
from tenants.models import Provider
from workers.runtime import session_factory

log = logging.getLogger("crossdock.scheduler")

SCHEDULER_TASK = "scheduler"
"""The system task allowed to list every provider (a row-level security policy names it)."""


@dataclass(frozen=True)
class Job:
    """An actor sent every `every`, at multiples of it since the epoch (so restarts keep pace);
    it goes to its actor's queue, `queue_name` only when the broker does not declare it."""

    actor_name: str
    every: timedelta
    queue_name: str = "default"


SCHEDULE = (
    Job("schedule_billing", timedelta(hours=1)),
    Job("sweep_webhooks", timedelta(minutes=1)),
    Job("poll_tracking", timedelta(minutes=15)),
    Job("prune_audit_events", timedelta(days=1)),
    Job("poll_channels", timedelta(minutes=5), queue_name="channels"),
    Job("sweep_supplier_deadlines", timedelta(minutes=5)),
    Job("prune_people_sessions", timedelta(hours=1)),
    Job("sweep_outbox", timedelta(minutes=1)),
)
"""Billing fans out hourly (storage days complete at each warehouse's local midnight);
webhook deliveries whose wake-up message was lost, and redeliveries, are swept each minute;
the audit trail is pruned to its retention daily, ended sessions hourly; shops are polled every
five minutes (webhooks bring orders at once; the poll catches up what a webhook missed);
supplier SLAs are checked every 5 minutes; events a consumer has not processed (the broker
lost them) are looked for each minute."""


def provider_ids() -> list[uuid.UUID]:
    """Every provider's id: the one cross-tenant read periodic jobs make, as the scheduler."""
    with UnitOfWork(session_factory(), system_task=SCHEDULER_TASK) as uow:
        return list(uow.session.scalars(Provider.__table__.select().with_only_columns(Provider.id)))


def due_at(job: Job, now: datetime) -> datetime:
    """The start of the slot `now` falls in."""
    epoch = datetime(1970, 1, 1, tzinfo=now.tzinfo)
    slots = (now - epoch) // job.every
    return epoch + slots * job.every


def queue_of(broker: Broker, job: Job) -> str:
    """The queue of the job's actor (its kind of work), or the job's own when undeclared."""
    if job.actor_name in broker.get_declared_actors():
        return str(broker.get_actor(job.actor_name).queue_name)
    return job.queue_name


def run_scheduler(
    stop_event: threading.Event,
    broker: Broker,
    clock: Callable[[], datetime],
    schedule: tuple[Job, ...] = SCHEDULE,
    tick_seconds: float = 30.0,
) -> None:
    """Enqueue each job once per slot until `stop_event` is set; the first slot runs at once.

    A job the broker refuses (an outage) is tried again on the next tick, not skipped:
    the loop outlives the broker, as the relay does.
    """
    sent: dict[str, datetime] = {}
    while not stop_event.is_set():
        now = clock()
        for job in schedule:
            slot = due_at(job, now)
            if sent.get(job.actor_name) != slot:
                message = Message(
                    queue_name=queue_of(broker, job),
                    actor_name=job.actor_name,
                    args=(),
                    kwargs={},
                    options={},
                )
                try:
                    broker.enqueue(message)
                except Exception:
                    log.warning("could not enqueue %s; trying again", job.actor_name, exc_info=True)
                    continue
                sent[job.actor_name] = slot
                log.info("enqueued %s for %s", job.actor_name, slot.isoformat())
        stop_event.wait(tick_seconds)
