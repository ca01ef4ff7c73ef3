"""Buckets in Redis, shared by every API process: one atomic script per charge."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import redis
import redis.asyncio

log = logging.getLogger("crossdock.api.limits")
_closing: set[asyncio.Task[None]] = set()
"""Pools being closed (the loop keeps only weak references to tasks)."""

# Refill to ARGV[4] (never backwards: the processes' clocks may disagree a little), take the
# cost if it fits, and expire the key when it would be full again (a missing key reads full).
TAKE = """
local capacity, per_second = tonumber(ARGV[2]), tonumber(ARGV[3])
local cost, now = tonumber(ARGV[1]), tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'left', 'since')
local left, since = tonumber(state[1]), tonumber(state[2])
if left == nil or since == nil then left, since = capacity, now end
if now > since then
  left = math.min(capacity, left + (now - since) * per_second)
  since = now
end
local taken = 0
if left >= cost then
  left = left - cost
  taken = 1
end
redis.call('HSET', KEYS[1], 'left', tostring(left), 'since', tostring(since))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - left) / per_second * 1000) + 1000)
return {tostring(left), taken}
"""


class RedisBuckets:
    """Buckets under `prefix` in Redis; when Redis fails, charges are let through and logged.

    The script is sent by Redis's asyncio client on the request's own event loop: a worker
    thread for each charge (as before) cost about twice its CPU in the hand-off alone, and
    the timeouts still keep a slow Redis from holding a request for long.
    """

    def __init__(self, url: str, prefix: str, timeout: float = 0.5):
        self.prefix = prefix
        self._url, self._timeout = url, timeout
        self._client: tuple[asyncio.AbstractEventLoop, redis.asyncio.Redis, Any] | None = None

    async def take(
        self, bucket: str, cost: int, capacity: int, per_second: float, now: float
    ) -> tuple[float, bool]:
        """Run the script: refill, take `cost` if it fits, (left, taken)."""
        try:
            left, taken = await self._script()(
                keys=[f"{self.prefix}:{bucket}"], args=[cost, capacity, per_second, repr(now)]
            )
        except redis.RedisError:
            # Failing open: an unreachable Redis must not take the whole API down with it.
            log.warning("rate limit store unavailable; charge not counted", exc_info=True)
            return float(capacity), True
        return float(left), bool(taken)

    def close(self) -> None:
        """Close the connection pool (from its event loop; elsewhere the loop's end does)."""
        if self._client is None:
            return
        loop, client, _ = self._client
        self._client = None
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            return
        if running is loop:
            task = loop.create_task(client.aclose())
            _closing.add(task)
            task.add_done_callback(_closing.discard)

    def _script(self) -> Any:
        # One client per event loop (an asyncio connection belongs to the loop that made it):
        # production has one loop per process; tests start one per app.
        loop = asyncio.get_running_loop()
        if self._client is None or self._client[0] is not loop:
            client = redis.asyncio.Redis.from_url(
                self._url, socket_timeout=self._timeout, socket_connect_timeout=self._timeout
            )
            self._client = (loop, client, client.register_script(TAKE))
        return self._client[2]
