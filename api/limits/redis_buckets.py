"""Buckets in Redis, shared by every API process: one atomic script per charge."""

from __future__ import annotations

import logging

import anyio.to_thread
import redis

log = logging.getLogger("crossdock.api.limits")

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
    """Buckets under `prefix` in Redis; when Redis fails, charges are let through and logged."""

    def __init__(self, url: str, prefix: str, timeout: float = 0.5):
        self.prefix = prefix
        self._client = redis.Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self._take = self._client.register_script(TAKE)

    async def take(
        self, bucket: str, cost: int, capacity: int, per_second: float, now: float
    ) -> tuple[float, bool]:
        """Run the script in a worker thread, so a slow Redis never stalls the event loop."""
        return await anyio.to_thread.run_sync(
            self._take_now, bucket, cost, capacity, per_second, now
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def _take_now(
        self, bucket: str, cost: int, capacity: int, per_second: float, now: float
    ) -> tuple[float, bool]:
        try:
            left, taken = self._take(
                keys=[f"{self.prefix}:{bucket}"], args=[cost, capacity, per_second, repr(now)]
            )
        except redis.RedisError:
            # Failing open: an unreachable Redis must not take the whole API down with it.
            log.warning("rate limit store unavailable; charge not counted", exc_info=True)
            return float(capacity), True
        return float(left), bool(taken)
