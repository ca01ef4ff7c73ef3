"""Audit retention: a daily prune, one provider per transaction, as a named system task."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

import dramatiq

from domain.audit.retention import PRUNE_TASK, prune_all
from persistence.base import utcnow
from workers.runtime import audit_retention, unit_of_work
from workers.scheduler import provider_ids

log = logging.getLogger("crossdock.workers.audit")

clock: Callable[[], datetime] = utcnow
"""The time pruning counts back from (tests move it)."""


@dramatiq.actor(max_retries=3, min_backoff=60_000, max_backoff=600_000, time_limit=10 * 60_000)
def prune_audit_events() -> None:
    """Delete every provider's audit events older than the retention; safe to repeat."""
    kept = audit_retention()
    total = prune_all(unit_of_work, provider_ids(), kept, clock())
    log.info("%s: %d audit events older than %d days deleted", PRUNE_TASK, total, kept.days)
