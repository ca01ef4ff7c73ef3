"""Invalidations carried between processes on one Redis pub/sub channel.

Each process subscribes before it serves, and a thread takes in what arrives. Redis writes
a message to every subscriber's socket before it answers the PUBLISH, so by the time a
revocation's response has left the process that made it, the news is in every other
process's socket; `catch_up`, called before a cache answers from memory, reads it there
without waiting for the thread. Delivery is at most once: while the connection is down
(or silent for longer than `SILENCE_SECONDS`) news may be lost, so every cache is emptied
when that is noticed and again when the subscription is back, and the caches' own seconds
bound the rest.
"""

from __future__ import annotations

import contextlib
import json
import logging
import select
import threading
import time
import uuid
from typing import Any

import redis
import redis.client

from caching.invalidation import Invalidations

log = logging.getLogger("crossdock.caching")
PING_SECONDS = 5.0
"""How often the listening thread pings Redis on the subscription."""
SILENCE_SECONDS = 3 * PING_SECONDS
"""A subscription that heard nothing (not even its pings' answers) this long is dead."""


class RedisInvalidations:
    """A transport for `invalidations` on `channel`; with `listen`, also a subscriber."""

    def __init__(
        self,
        url: str,
        channel: str,
        invalidations: Invalidations,
        *,
        listen: bool = True,
        timeout: float = 0.5,
        retry_seconds: float = 1.0,
    ) -> None:
        self.channel = channel
        self._url, self._timeout, self._retry_seconds = url, timeout, retry_seconds
        self._invalidations = invalidations
        self._origin = uuid.uuid4().hex  # this process's own news is applied when published
        self._publisher = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self._subscriber: redis.Redis | None = None
        self._pubsub: redis.client.PubSub | None = None
        self._lock = threading.Lock()
        """Held while the subscription's socket is read (by the thread or a request)."""
        self._echo = threading.Condition(self._lock)
        """Notified when this process hears back a message it published."""
        self._missed = False
        """News may have been missed since the caches were last emptied."""
        self._heard = self._pinged = time.monotonic()
        self._sent = self._echoed = 0
        """How many messages this process published, and the last it heard back."""
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        if listen:
            self._subscribe()
            self._thread = threading.Thread(
                target=self._listen, name="crossdock-invalidations", daemon=True
            )
            self._thread.start()

    @property
    def listening(self) -> bool:
        """Whether the subscription is up."""
        return self._pubsub is not None

    def send(self, topic: str, message: str) -> None:
        """Publish to the other processes; a failure is logged (their seconds bound it).

        A subscriber waits (at most its timeout) until it hears its own message back: Redis
        writes a message to all its subscribers together, so by then every process has it.
        """
        with self._lock:
            self._sent += 1
            number = self._sent
        try:
            self._publisher.publish(
                self.channel, json.dumps([self._origin, number, topic, message])
            )
        except redis.RedisError:
            log.warning(
                "could not publish a cache invalidation (%s); other processes drop the "
                "entry when its seconds are up",
                topic,
                exc_info=True,
            )
            return
        self._await_echo(number)

    def catch_up(self) -> None:
        """Apply what has reached this process's subscription."""
        pubsub = self._pubsub
        if pubsub is None:
            return
        # A drain leaves no whole message in redis-py's buffer, so an idle socket means
        # nothing to apply: one poll, not the lock and the parser, on every cache hit. The
        # socket is polled before the lock is looked at: the thread reads the socket only
        # while it holds the lock, so what it took is applied already, or is being applied
        # under the lock, which this then waits for.
        if _wait_readable(pubsub, timeout=0) or self._lock.locked():
            with self._lock:
                self._drain()

    def _await_echo(self, number: int) -> None:
        deadline = time.monotonic() + self._timeout
        with self._echo:
            while self._pubsub is not None:
                self._drain()
                remaining = deadline - time.monotonic()
                if self._echoed >= number or remaining <= 0:
                    return
                # the lock is let go meanwhile: the thread may read the echo first
                self._echo.wait(min(remaining, 0.005))

    def close(self) -> None:
        """Stop the thread, unsubscribe and close the connections."""
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=2 * self._timeout + 1)
        with self._lock:
            self._drop()
        self._publisher.close()

    def _listen(self) -> None:
        while not self._stopped.is_set():
            pubsub = self._pubsub
            if pubsub is None:
                if not self._stopped.wait(self._retry_seconds):
                    self._subscribe()
                continue
            _wait_readable(pubsub, timeout=0.25)  # also how long `close` may wait
            with self._lock:
                self._drain()
                self._keep_alive()

    def _subscribe(self) -> None:
        # kept: a client closes its pool's connections, the subscription's too, when collected
        self._subscriber = redis.Redis.from_url(
            self._url, socket_timeout=self._timeout, socket_connect_timeout=self._timeout
        )
        pubsub = self._subscriber.pubsub()
        try:
            pubsub.subscribe(self.channel)
            # Listening once Redis confirms: news published after this returns is heard.
            pubsub.get_message(timeout=self._timeout)
        except redis.RedisError:
            log.warning("cannot subscribe to cache invalidations; retrying", exc_info=True)
            pubsub.close()
            self._missed = True
            return
        assert pubsub.connection is not None
        pubsub.connection.register_connect_callback(self._reconnected)
        with self._lock:
            self._pubsub = pubsub
            self._heard = self._pinged = time.monotonic()
            if self._missed:
                self._missed = False
                self._invalidations.lost()

    def _reconnected(self, _connection: Any) -> None:
        # redis-py re-subscribed by itself: what was published meanwhile is gone
        self._invalidations.lost()

    def _drain(self) -> None:
        """Read every message waiting on the subscription (the lock is held)."""
        pubsub = self._pubsub
        if pubsub is None:
            return
        try:
            while (message := pubsub.get_message(timeout=0)) is not None:
                self._heard = time.monotonic()
                if message["type"] == "message":
                    self._deliver(message["data"])
        except (redis.RedisError, OSError):
            log.warning("cache invalidations' subscription lost; resubscribing", exc_info=True)
            self._lose()

    def _keep_alive(self) -> None:
        """Ping now and then; a subscription that answers nothing is given up."""
        if self._pubsub is None:
            return
        now = time.monotonic()
        if now - self._heard > SILENCE_SECONDS:
            log.warning("cache invalidations' subscription silent; resubscribing")
            self._lose()
        elif now - self._pinged > PING_SECONDS:
            self._pinged = now
            try:
                self._pubsub.ping()
            except (redis.RedisError, OSError):
                self._lose()

    def _lose(self) -> None:
        self._drop()
        self._missed = True
        self._invalidations.lost()

    def _drop(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            with contextlib.suppress(redis.RedisError, OSError):
                pubsub.close()

    def _deliver(self, data: bytes | str) -> None:
        try:
            origin, number, topic, message = json.loads(data)
        except (ValueError, TypeError):
            log.warning("ignored a malformed cache invalidation")
            return
        if origin == self._origin:
            self._echoed = max(self._echoed, number)  # applied here when it was published
            self._echo.notify_all()
        else:
            self._invalidations.deliver(topic, message)


def _wait_readable(pubsub: redis.client.PubSub, timeout: float) -> bool:
    """Whether the subscription's socket has something to read (waiting up to `timeout`);
    True when that cannot be told (let the read find out)."""
    sock = getattr(pubsub.connection, "_sock", None)
    if sock is None:
        return True
    # poll, not select: a busy server's descriptors pass select's limit of 1024
    poller = select.poll()
    try:
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(timeout * 1000))
    except (OSError, ValueError):
        return True  # closed meanwhile: the read reports it
