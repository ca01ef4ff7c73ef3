"""Which actors consume which outbox topics.

Every consumer actor takes ``(provider_id: str, event_id: str)`` and must be idempotent:
the relay publishes at least once. Register with :func:`consumes` under the actor::

    @consumes(Topic.FULFILLMENT_PACKED)
    @dramatiq.actor(max_retries=5, min_backoff=1_000, max_backoff=60_000, time_limit=60_000)
    def dispatch_fulfillment(provider_id: str, event_id: str) -> None: ...

A cheap consumer registered with ``batched=True`` takes ``(provider_id, event_ids)``
instead: the relay sends it one message per provider for all the events of a batch it
claims, so a few statements of work are not wrapped in a message and a transaction each.
Its actor must also accept a single id (a message sent before the route was batched).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from domain.outbox.events import Topic

A = TypeVar("A")


@dataclass(frozen=True)
class Route:
    """An actor, the topics it consumes (None: every topic), the queue it listens on, and
    whether it takes a list of event ids (`batched`) rather than one."""

    actor_name: str
    topics: frozenset[str] | None
    queue_name: str = "default"
    batched: bool = False
    resent_by: str | None = None
    """What else sends its work again once the sweep gave up on it (besides a replay)."""

    def wants(self, topic: str) -> bool:
        """Whether an event of `topic` goes to this actor."""
        return self.topics is None or topic in self.topics


ROUTES: list[Route] = []


def consumes(
    *topics: Topic, batched: bool = False, resent_by: str | None = None
) -> Callable[[A], A]:
    """Register the decorated actor for `topics` (none given: every topic); `batched`, it
    takes ``(provider_id, event_ids)``; `resent_by` says what, besides a replay, sends an
    event again once the redelivery sweep gave up on it (for the sweep's log)."""

    def register(actor: Any) -> Any:
        wanted = frozenset(t.value for t in topics) if topics else None
        route = Route(actor.actor_name, wanted, actor.queue_name, batched, resent_by)
        if route not in ROUTES:
            ROUTES.append(route)
        return actor

    return register


def routes_for(topic: str, routes: Iterable[Route] = ROUTES) -> list[str]:
    """Names of the actors an event of `topic` is sent to."""
    return [route.actor_name for route in matching_routes(topic, routes)]


def matching_routes(topic: str, routes: Iterable[Route] = ROUTES) -> list[Route]:
    """The routes an event of `topic` is sent along (actor and queue)."""
    return [route for route in routes if route.wants(topic)]
