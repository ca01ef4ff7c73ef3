"""A client's routing configuration (its rules in force, the live places), remembered a moment.

Every new order reads its client's rules and the live warehouses before it can be routed;
they change seldom (a rule set saved, a warehouse made, renamed or archived), so each
process remembers them for `SECONDS`. A change flushed by any session of this process
drops its provider's entries at once; when it commits, the change is published as an
invalidation (caching/invalidation.py), so this process and every other one that listens
(Redis pub/sub: other `crossdock serve` workers, background workers) drop that provider's
entries before they next answer from memory. A process that missed the news (no Redis, a
dropped connection) sees the change within `SECONDS`. Entries are keyed on the provider,
the client and what the caller may see (its kind, its client and supplier), so a caller
only ever gets what its own query would return. `SIZE` bounds the memory.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from caching.invalidation import INVALIDATIONS, Invalidations
from caching.ttl_lru import TtlLru
from domain.catalog.models import Warehouse
from domain.routing.models import RoutingRuleSet
from domain.routing.network import Place, live_places
from domain.routing.rule_sets import active_rule_set
from domain.routing.rules import RuleSet
from tenants.unit_of_work import TenantUnitOfWork

SECONDS = 5.0
SIZE = 4096
CHANGED = "routing-configuration-changed"
"""Invalidation topic: the message is the ids of the providers whose configuration changed."""
_CHANGED = "routing_configuration_changed"
"""`Session.info` key: the providers whose configuration a flush of the session changed."""

Key = tuple[Any, ...]
Configuration = tuple[RuleSet, tuple[Place, ...]]


class RoutingConfigurations:
    """A bounded, thread-safe LRU of clients' rules and live places, per caller's view."""

    def __init__(
        self,
        seconds: float = SECONDS,
        size: int = SIZE,
        clock: Callable[[], float] = time.monotonic,
        invalidations: Invalidations = INVALIDATIONS,
    ) -> None:
        self._entries: TtlLru[Key, Configuration] = TtlLru(seconds, size, clock)
        self._invalidations = invalidations

    @property
    def hits(self) -> int:
        """Configurations answered from memory."""
        return self._entries.hits

    @property
    def misses(self) -> int:
        """Configurations read from the database."""
        return self._entries.misses

    def of(self, uow: TenantUnitOfWork, client_id: uuid.UUID) -> Configuration:
        """The client's rules in force and live places, read unless read a moment ago."""
        scope = uow.scope
        key = (scope.provider_id, scope.kind, scope.client_id, scope.supplier_id, client_id)
        self._invalidations.catch_up()
        remembered = self._entries.get(key)
        if remembered is not None:
            return remembered
        since = self._entries.generation
        # Read before the clock is taken: an entry never outlives its read by more than
        # `seconds`.
        configuration = (active_rule_set(uow, client_id), tuple(live_places(uow, [client_id])))
        # A change forgotten meanwhile (here or heard from elsewhere) may postdate this
        # read; and this very transaction's change must not be seen before it commits.
        self._invalidations.catch_up()
        if _CHANGED not in uow.session.info:
            self._entries.put(key, configuration, since)
        return configuration

    def forget(self, provider_ids: set[uuid.UUID]) -> None:
        """Drop every entry of these providers (their warehouses or rules changed)."""
        self._entries.forget_where(lambda key, _: key[0] in provider_ids)

    def clear(self) -> None:
        """Drop every entry (changes may have been missed)."""
        self._entries.clear()


def announce_changed(provider_ids: set[uuid.UUID]) -> None:
    """Tell this process and the others that these providers' configurations changed."""
    INVALIDATIONS.publish(CHANGED, " ".join(sorted(str(p) for p in provider_ids)))


def _providers(message: str) -> set[uuid.UUID]:
    return {uuid.UUID(part) for part in message.split()}


CONFIGURATIONS = RoutingConfigurations()
"""This process's remembered routing configurations."""
INVALIDATIONS.subscribe(
    CHANGED,
    lambda message: CONFIGURATIONS.forget(_providers(message)),
    lambda: CONFIGURATIONS.clear(),
)


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    # Any flush of a warehouse or a rule set, from any session of this process.
    changed = {
        obj.provider_id
        for objects in (session.new, session.dirty, session.deleted)
        for obj in objects
        if isinstance(obj, Warehouse | RoutingRuleSet)
    }
    if changed:
        session.info.setdefault(_CHANGED, set()).update(changed)
        CONFIGURATIONS.forget(changed)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    # A request may have read the old rows between the flush and the commit.
    changed = session.info.pop(_CHANGED, None)
    if changed:
        announce_changed(changed)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_CHANGED, None)
