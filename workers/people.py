"""Housekeeping of people's sessions: ended sessions and stale sign-in counts are deleted."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import dramatiq

from domain.audit.sign_ins import record_sign_in
from persistence.base import utcnow
from tenants import throttle
from tenants.sessions import prune_sessions
from workers.runtime import session_factory, unit_of_work
from workers.scheduler import provider_ids

log = logging.getLogger("crossdock.workers.people")

clock: Callable[[], datetime] = utcnow
"""The time pruning compares with (tests move it)."""


@dramatiq.actor(max_retries=3, min_backoff=60_000, max_backoff=600_000, time_limit=10 * 60_000)
def prune_people_sessions() -> None:
    """Delete every provider's ended sessions (each recorded as a sign-out in the audit
    trail), then stale sign-in failure counts; safe to repeat."""
    now = clock()
    sessions = 0
    for provider_id in provider_ids():
        with unit_of_work(provider_id) as uow:
            sessions += prune_sessions(uow, now, record_sign_in)
            uow.commit()
    with session_factory()() as session:
        counts = throttle.prune(session, now)
    log.info("%d ended sessions and %d stale sign-in counts deleted", sessions, counts)
