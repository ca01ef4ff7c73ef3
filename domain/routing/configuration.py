"""A client's routing configuration (its rules in force, the live places), remembered a moment.

Every new order reads its client's rules and the live warehouses before it can be routed;
they change seldom (a rule set saved, a warehouse made, renamed or archived), so each
process remembers them for `SECONDS`. A change flushed by any session of this process
drops its provider's entries at once and again when it commits, so this process never
routes on what it has itself replaced; a change made by another process (another
`crossdock serve` worker, a background worker, the CLI) is seen here within `SECONDS`.
Entries are keyed on the provider, the client and what the caller may see (its kind, its
client and supplier), so a caller only ever gets what its own query would return. `SIZE`
bounds the memory.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from domain.catalog.models import Warehouse
from domain.routing.models import RoutingRuleSet
from domain.routing.network import Place, live_places
from domain.routing.rule_sets import active_rule_set
from domain.routing.rules import RuleSet
from tenants.unit_of_work import TenantUnitOfWork

SECONDS = 5.0
SIZE = 4096
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
    ) -> None:
        self.seconds, self.size, self.clock = seconds, size, clock
        self._entries: OrderedDict[Key, tuple[float, Configuration]] = OrderedDict()
        self._lock = threading.Lock()
        self._generation = 0
        """Bumped by every `forget`: a read that began before one is not remembered."""
        self.hits = self.misses = 0

    def of(self, uow: TenantUnitOfWork, client_id: uuid.UUID) -> Configuration:
        """The client's rules in force and live places, read unless read a moment ago."""
        scope = uow.scope
        key = (scope.provider_id, scope.kind, scope.client_id, scope.supplier_id, client_id)
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and self.clock() < entry[0]:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[1]
            self.misses += 1
            generation = self._generation
        # Read before the clock is taken: an entry never outlives its read by more than
        # `seconds`.
        configuration = (active_rule_set(uow, client_id), tuple(live_places(uow, [client_id])))
        with self._lock:
            if generation != self._generation or _CHANGED in uow.session.info:
                # A change was flushed meanwhile (this read may predate it), or this very
                # transaction made one the others must not see before it commits.
                return configuration
            self._entries[key] = (self.clock() + self.seconds, configuration)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return configuration

    def forget(self, provider_ids: set[uuid.UUID]) -> None:
        """Drop every entry of these providers (their warehouses or rules changed)."""
        with self._lock:
            self._generation += 1
            for key in [key for key in self._entries if key[0] in provider_ids]:
                del self._entries[key]


CONFIGURATIONS = RoutingConfigurations()
"""This process's remembered routing configurations."""


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
        CONFIGURATIONS.forget(changed)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_CHANGED, None)
