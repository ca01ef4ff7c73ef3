"""Invalidations: news that cached answers went stale, told to this process and the others.

A cache subscribes to a topic with a handler that takes the message (a plain string: a
key id, provider ids). `publish` runs this process's handlers at once, then hands the
message to the installed transport, which carries it to every other process (Redis
pub/sub in production, `adapters/redis_invalidations.py`); with none installed (one
process, the embedded default) there is nobody else to tell. The transport calls
`deliver` with what other processes published, and `lost` whenever it may have missed
some (its connection dropped, and again once it is back): every cache then empties, and
while it is away the caches' own seconds bound how stale an answer can be.

`catch_up` takes in what has already reached this process. A cache calls it before it
answers from memory, so news published before a request arrived is applied before that
request is answered, whether or not the listening thread has got to it yet.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

log = logging.getLogger("crossdock.caching")


class Transport(Protocol):
    """Carries invalidations between processes; never raises into the publisher."""

    def send(self, topic: str, message: str) -> None:
        """Tell the other processes (best effort: a failure is logged, not raised)."""

    def catch_up(self) -> None:
        """Deliver what the other processes published and this one has received."""

    def close(self) -> None:
        """Stop listening and let go of connections."""


class Invalidations:
    """The topics this process's caches follow, and the transport to the other processes."""

    def __init__(self) -> None:
        self._handlers: dict[str, list[Callable[[str], None]]] = {}
        self._on_lost: list[Callable[[], None]] = []
        self.transport: Transport | None = None

    def subscribe(
        self, topic: str, handler: Callable[[str], None], on_lost: Callable[[], None]
    ) -> None:
        """Call `handler(message)` for each message on `topic`; `on_lost()` when some
        may have been missed."""
        self._handlers.setdefault(topic, []).append(handler)
        self._on_lost.append(on_lost)

    def publish(self, topic: str, message: str) -> None:
        """Apply `message` here at once, then send it to the other processes."""
        self.deliver(topic, message)
        transport = self.transport
        if transport is not None:
            transport.send(topic, message)

    def deliver(self, topic: str, message: str) -> None:
        """Run this process's handlers of `topic` (the transport's way in)."""
        for handler in self._handlers.get(topic, ()):
            handler(message)

    def lost(self) -> None:
        """Messages may have been missed: every subscribed cache forgets everything."""
        log.warning("cache invalidations may have been missed; caches emptied")
        for forget_all in self._on_lost:
            forget_all()

    def catch_up(self) -> None:
        """Apply what other processes published and this one has already received."""
        transport = self.transport
        if transport is not None:
            transport.catch_up()

    def install(self, transport: Transport) -> None:
        """Use `transport` from now on (closing the one it replaces)."""
        previous, self.transport = self.transport, transport
        if previous is not None and previous is not transport:
            previous.close()

    def uninstall(self, transport: Transport) -> None:
        """Stop using `transport` (if it is still the one installed) and close it."""
        if self.transport is transport:
            self.transport = None
        transport.close()


INVALIDATIONS = Invalidations()
"""This process's invalidations; the composition root installs the transport."""
