"""Supplier actors: the SLA sweep, fanned out to each provider."""

from __future__ import annotations

import dramatiq

from services.suppliers import flag_overdue
from workers.runtime import unit_of_work
from workers.scheduler import provider_ids


@dramatiq.actor(max_retries=5, min_backoff=5_000, max_backoff=300_000, time_limit=10 * 60_000)
def flag_overdue_fulfillment(provider_id: str) -> None:
    """Put the provider's supplier fulfillment orders past a deadline in EXCEPTION; idempotent."""
    flag_overdue(lambda: unit_of_work(provider_id))


@dramatiq.actor(max_retries=3, min_backoff=10_000, time_limit=60_000)
def sweep_supplier_deadlines() -> None:
    """Send each provider its SLA sweep."""
    for provider_id in provider_ids():
        flag_overdue_fulfillment.send(str(provider_id))
