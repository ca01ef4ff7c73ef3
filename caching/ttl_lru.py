"""A bounded, thread-safe map whose entries expire: least recently used out first.

Both the verified API keys (`tenants/key_cache.py`) and the clients' routing
configurations (`domain/routing/configuration.py`) remember answers this way. The clock
is injectable so tests move time by hand. `generation` counts the forgets: a value read
before one may already be stale, so `put(..., since=generation)` keeps it only if none
happened in between.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlLru(Generic[K, V]):
    """At most `size` entries, each answered for `seconds` after it was put."""

    def __init__(
        self, seconds: float, size: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds, self.size, self.clock = seconds, size, clock
        self._entries: OrderedDict[K, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()
        self.generation = 0
        """Bumped by every `forget_where` and `clear`."""
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: K) -> V | None:
        """The value put under `key` less than `seconds` ago, else None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and self.clock() < entry[0]:
                self._entries.move_to_end(key)
                self.hits += 1
                return entry[1]
            if entry is not None:
                del self._entries[key]
            self.misses += 1
            return None

    def put(self, key: K, value: V, since: int | None = None) -> bool:
        """Remember `value`, unless something was forgotten after generation `since`."""
        with self._lock:
            if since is not None and since != self.generation:
                return False
            self._entries[key] = (self.clock() + self.seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
            return True

    def forget_where(self, stale: Callable[[K, V], bool]) -> int:
        """Drop the entries `stale` picks; how many went."""
        with self._lock:
            self.generation += 1
            doomed = [key for key, (_, value) in self._entries.items() if stale(key, value)]
            for key in doomed:
                del self._entries[key]
            return len(doomed)

    def clear(self) -> None:
        """Drop everything (what changed elsewhere is not known)."""
        with self._lock:
            self.generation += 1
            self._entries.clear()
