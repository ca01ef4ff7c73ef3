"""Consumer tracking switched off, for the benchmark's baseline only: imported into worker
processes after set-up (``dramatiq crossdock.worker_main:setup benchmarks.tracking_off``), it
makes every consumer skip its mark. Never load it anywhere else: without marks, a redelivered
event relies on its consumer's own guards alone and the sweep re-sends everything."""

from __future__ import annotations

import sys
import uuid

from domain.outbox import consumption
from workers import consumption as worker_consumption

_first_time = consumption.first_time
_mark_processed = worker_consumption.mark_processed


def no_mark(uow: object, event_id: uuid.UUID, consumer: str) -> bool:
    """As if every event arrived for the first time; nothing written."""
    return True


def no_mark_after(provider_id: str, event_id: str, consumer: str) -> None:
    """Nothing written."""


for module in list(sys.modules.values()):
    if getattr(module, "first_time", None) is _first_time:
        module.first_time = no_mark  # type: ignore[attr-defined]
    if getattr(module, "mark_processed", None) is _mark_processed:
        module.mark_processed = no_mark_after  # type: ignore[attr-defined]
