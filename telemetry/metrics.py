"""The Prometheus instruments every process records into, built on first use.

Label values are bounded: operation names are capped (`operation_label`), queues and
actors are the deployment's own, outcomes are closed sets; no tenant id is ever a label.
Measurements are per request or per message, never per resolved field.

Several processes (``crossdock worker``'s Dramatiq processes, ``serve --workers``) share a
directory of memory-mapped files: :func:`use_multiprocess` must run before the first
instrument is built, which the composition root does at start-up.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, values

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
MAX_OPERATION_NAMES = 100
"""Distinct operation names one process labels; later names count as ``other``."""
_OPERATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
WAIT_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)
COST_BUCKETS = (1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)


@dataclass(frozen=True)
class Instruments:
    """Every counter and histogram of the product."""

    registry: CollectorRegistry
    graphql_requests: Counter
    graphql_duration: Histogram
    graphql_cost: Histogram
    rate_limit_refusals: Counter
    http_responses: Counter
    messages: Counter
    message_duration: Histogram
    queue_wait: Histogram
    outbox_published: Counter
    dispatch_outcomes: Counter
    webhook_deliveries: Counter
    billing_runs: Counter
    outbox_redelivered: Counter
    outbox_redelivery_abandoned: Counter
    fulfillment_redispatched: Counter


@functools.cache
def instruments() -> Instruments:
    """The process's instruments (built once, after the multi-process choice is made)."""
    registry = CollectorRegistry(auto_describe=True)
    return Instruments(
        registry=registry,
        graphql_requests=Counter(
            "crossdock_graphql_requests",
            "GraphQL operations answered, by operation name, type and outcome.",
            ("operation", "type", "outcome"),
            registry=registry,
        ),
        graphql_duration=Histogram(
            "crossdock_graphql_request_duration_seconds",
            "Time from parsed request to answer, by operation name and type.",
            ("operation", "type"),
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
        graphql_cost=Histogram(
            "crossdock_graphql_query_cost",
            "Static cost of executed operations (points charged to the caller's budget).",
            ("type",),
            buckets=COST_BUCKETS,
            registry=registry,
        ),
        rate_limit_refusals=Counter(
            "crossdock_rate_limit_refusals",
            "Operations refused: RATE_LIMITED (budget empty) or QUERY_TOO_COSTLY.",
            ("code",),
            registry=registry,
        ),
        http_responses=Counter(
            "crossdock_http_responses",
            "HTTP responses by route and status code (5xx rate, health checks).",
            ("route", "status"),
            registry=registry,
        ),
        messages=Counter(
            "crossdock_messages_processed",
            "Background messages processed, by queue, actor and outcome (ok, failed, skipped).",
            ("queue", "actor", "outcome"),
            registry=registry,
        ),
        message_duration=Histogram(
            "crossdock_message_duration_seconds",
            "Time an actor spent on one message.",
            ("queue", "actor"),
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
        queue_wait=Histogram(
            "crossdock_queue_wait_seconds",
            "Consumer lag: from when a message was due to when a worker started it, per queue.",
            ("queue",),
            buckets=WAIT_BUCKETS,
            registry=registry,
        ),
        outbox_published=Counter(
            "crossdock_outbox_events_published",
            "Outbox events the relay handed to the broker.",
            ("relay",),
            registry=registry,
        ),
        dispatch_outcomes=Counter(
            "crossdock_dispatch_outcomes",
            "Label purchases by outcome: shipped, nothing_to_do, exception, retry, gave_up.",
            ("outcome",),
            registry=registry,
        ),
        webhook_deliveries=Counter(
            "crossdock_webhook_deliveries",
            "Webhook delivery attempts by outcome: delivered, retrying, failed.",
            ("outcome",),
            registry=registry,
        ),
        billing_runs=Counter(
            "crossdock_billing_runs",
            "Billing runs by kind (accrual, storage, period_close) and outcome (ok, failed).",
            ("kind", "outcome"),
            registry=registry,
        ),
        outbox_redelivered=Counter(
            "crossdock_outbox_redelivered",
            "Events the redelivery sweep re-published to a consumer that had not processed them.",
            ("consumer",),
            registry=registry,
        ),
        outbox_redelivery_abandoned=Counter(
            "crossdock_outbox_redelivery_abandoned",
            "Events the sweep stopped re-publishing, a consumer still not done (replay them).",
            registry=registry,
        ),
        fulfillment_redispatched=Counter(
            "crossdock_fulfillment_redispatched",
            "Packed fulfillment orders no dispatch had started, sent to dispatch by the sweep.",
            registry=registry,
        ),
    )


class OperationNames:
    """Operation names as labels: valid names up to a cap, then ``other``; none: ``anonymous``."""

    def __init__(self, cap: int = MAX_OPERATION_NAMES):
        self.cap = cap
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def label(self, name: str | None) -> str:
        """The label value for an operation named `name` (client-chosen, so bounded here)."""
        if not name:
            return "anonymous"
        if not _OPERATION_NAME.fullmatch(name):
            return "other"
        with self._lock:
            if name in self._seen:
                return name
            if len(self._seen) >= self.cap:
                return "other"
            self._seen.add(name)
            return name


operation_label = OperationNames().label


def multiprocess_dir() -> Path | None:
    """The shared directory when this process records for several, else None."""
    value = os.environ.get(MULTIPROCESS_VARIABLE)
    return Path(value) if value else None


def use_multiprocess(directory: Path, *, clear: bool) -> Path:
    """Record into `directory`, shared with the processes started from here after this call.

    `clear` empties it first (the process that starts the others does, so counts from an
    earlier run are not added in). The library picks its value store when it is imported,
    so it is re-chosen here; instruments built earlier would record only in memory.
    """
    if instruments.cache_info().currsize:
        raise RuntimeError("use_multiprocess() must run before the first instrument is built")
    if clear and directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True, exist_ok=True)
    os.environ[MULTIPROCESS_VARIABLE] = str(directory)
    values.ValueClass = values.get_value_class()
    return directory
