"""Consumer tracking switched off and on again, for the benchmark's baseline only.

`disable` makes every consumer skip its mark (as if each event arrived for the first
time, nothing written); `enable` restores it. Never use it outside benchmarks: without
marks a redelivered event relies on its consumer's own guards, and the sweep re-sends all.
"""

from __future__ import annotations

import sys
import uuid

from domain.outbox import consumption
from workers import consumption as worker_consumption

_ORIGINALS = {
    "first_time": consumption.first_time,
    "mark_processed": worker_consumption.mark_processed,
}


def no_mark(uow: object, event_id: uuid.UUID, consumer: str) -> bool:
    """As if the event arrived for the first time; nothing written."""
    return True


def no_mark_after(provider_id: str, event_id: str, consumer: str) -> None:
    """Nothing written."""


_REPLACEMENTS = {"first_time": no_mark, "mark_processed": no_mark_after}


def disable() -> None:
    """Every loaded module's reference to the marking functions now skips the mark."""
    _swap(_ORIGINALS, _REPLACEMENTS)


def enable() -> None:
    """The marking functions are back."""
    _swap(_REPLACEMENTS, _ORIGINALS)


def _swap(current: dict, wanted: dict) -> None:
    for module in list(sys.modules.values()):
        for name, function in current.items():
            if getattr(module, name, None) is function:
                setattr(module, name, wanted[name])
