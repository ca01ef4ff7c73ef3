"""Every actor module of the product, imported only after the broker is set.

Dramatiq binds an actor to the global broker when its module is imported, so nothing
imports these modules at package import time: the composition root sets the broker,
then calls :func:`import_actors`. Add a new actor module to ``ACTOR_MODULES``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

ACTOR_MODULES: tuple[str, ...] = (
    "workers.webhooks",
    "workers.billing",
    "workers.dispatch",
    "workers.tracking",
    "workers.audit",
    "workers.channels",
    "workers.suppliers",
    "workers.people",
    "workers.redelivery",
)
"""Dotted names of the modules defining actors (webhooks, billing, carriers, ...)."""


def import_actors(extra: Iterable[str] = ()) -> None:
    """Import every actor module, and `extra` ones (plugins, tests), binding them to the broker."""
    for name in (*ACTOR_MODULES, *extra):
        importlib.import_module(name)
