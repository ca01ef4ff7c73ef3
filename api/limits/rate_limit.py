"""Per-caller token buckets: capacity points, refilled steadily, shared through a store."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Allowance:
    """The answer to one charge: whether it was taken, and the bucket afterwards."""

    allowed: bool
    remaining: int
    retry_after: int
    """Whole seconds until the refused charge would fit; 0 when allowed."""
    resets_in: int
    """Whole seconds until the bucket is full again."""


class BucketStore(Protocol):
    """Where buckets live; `take` is atomic per bucket."""

    async def take(
        self, bucket: str, cost: int, capacity: int, per_second: float, now: float
    ) -> tuple[float, bool]:
        """Refill `bucket` up to `now`, then take `cost` if it holds that many: (left, taken)."""
        ...

    def close(self) -> None:
        """Release connections, if any."""
        ...


class RateLimiter:
    """Token buckets of `capacity` points refilled at `per_second`; a full bucket is the default."""

    def __init__(
        self,
        store: BucketStore,
        capacity: int,
        per_second: float,
        clock: Callable[[], float] = time.time,
    ):
        self.store = store
        self.capacity = capacity
        self.per_second = per_second
        self.clock = clock

    async def take(self, bucket: str, cost: int) -> Allowance:
        """Charge `cost` points to `bucket`; nothing is taken when it holds fewer."""
        left, taken = await self.store.take(
            bucket, cost, self.capacity, self.per_second, self.clock()
        )
        return Allowance(
            allowed=taken,
            remaining=math.floor(left),
            retry_after=0 if taken else math.ceil((cost - left) / self.per_second),
            resets_in=math.ceil((self.capacity - left) / self.per_second),
        )


class MemoryBuckets:
    """Buckets in this process's memory: the embedded default, right for one process."""

    def __init__(self) -> None:
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._sweep_at = 1024

    async def take(
        self, bucket: str, cost: int, capacity: int, per_second: float, now: float
    ) -> tuple[float, bool]:
        """Refill and charge under a lock; never awaits, so it never blocks the loop for long."""
        with self._lock:
            left, since = self._buckets.get(bucket, (float(capacity), now))
            left = min(float(capacity), left + max(0.0, now - since) * per_second)
            taken = left >= cost
            if taken:
                left -= cost
            self._buckets[bucket] = (left, max(since, now))
            if len(self._buckets) >= self._sweep_at:
                self._forget_full(capacity, per_second, now)
            return left, taken

    def close(self) -> None:
        """Nothing to release."""

    def _forget_full(self, capacity: int, per_second: float, now: float) -> None:
        # A missing bucket reads as full, so buckets that have refilled by now can go.
        self._buckets = {
            name: (left, since)
            for name, (left, since) in self._buckets.items()
            if left + (now - since) * per_second < capacity
        }
        self._sweep_at = max(1024, 2 * len(self._buckets))
