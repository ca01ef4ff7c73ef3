"""API keys verified a moment ago, remembered so a request need not read its key again.

A hit skips the key's own transaction (tenant setting, lookup, commit). Entries live
`SECONDS` at most. A revocation is published as an invalidation (caching/invalidation.py)
once it commits: this process forgets the key at once, and so does every other process
that listens (Redis pub/sub), before it next answers from memory. A process that missed
the news (no Redis, a dropped connection) still refuses the key within `SECONDS`. Only
accepted keys are remembered, under the digest of the key (never the key itself); `SIZE`
bounds the memory.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

from sqlalchemy.orm import Session

from caching.invalidation import INVALIDATIONS, Invalidations
from caching.ttl_lru import TtlLru
from tenants.keys import hash_key
from tenants.scope import TenantScope

SECONDS = 5.0
SIZE = 4096
REVOKED = "api-key-revoked"
"""Invalidation topic: the message is the revoked key's id."""


class VerifiedKeys:
    """A bounded, thread-safe LRU of key digests and the scopes they authenticate."""

    def __init__(
        self,
        seconds: float = SECONDS,
        size: int = SIZE,
        clock: Callable[[], float] = time.monotonic,
        invalidations: Invalidations = INVALIDATIONS,
    ) -> None:
        self._entries: TtlLru[str, TenantScope] = TtlLru(seconds, size, clock)
        self._invalidations = invalidations

    def get(self, plaintext: str) -> TenantScope | None:
        """The scope `plaintext` was verified for, if that was less than `seconds` ago and
        no revocation of it has reached this process since."""
        self._invalidations.catch_up()
        return self._entries.get(hash_key(plaintext))

    def put(self, plaintext: str, scope: TenantScope, since: int | None = None) -> None:
        """Remember a key just verified (unless a key was forgotten since `since`)."""
        self._entries.put(hash_key(plaintext), scope, since)

    def forget(self, key_id: uuid.UUID) -> None:
        """Drop the key with this id (revoked); other keys stay."""
        self._entries.forget_where(lambda _, scope: scope.key_id == key_id)

    def clear(self) -> None:
        """Drop every key (revocations may have been missed)."""
        self._entries.clear()

    def authenticate(
        self, session: Session, plaintext: str | None, check: Callable[..., TenantScope]
    ) -> TenantScope:
        """`check(session, plaintext)` unless the key was verified a moment ago."""
        if plaintext:
            scope = self.get(plaintext)
            if scope is not None:
                return scope
        # A revocation heard while the key is checked may postdate the read: not remembered.
        since = self._entries.generation
        scope = check(session, plaintext)
        assert plaintext is not None  # a missing key never passes the check
        self._invalidations.catch_up()
        self.put(plaintext, scope, since)
        return scope


def announce_revoked(key_id: uuid.UUID) -> None:
    """Tell this process and the others that `key_id` is revoked (after it commits)."""
    INVALIDATIONS.publish(REVOKED, str(key_id))


VERIFIED = VerifiedKeys()
"""This process's verified keys (the API's; `tenants.service.authenticate` itself reads)."""
INVALIDATIONS.subscribe(
    REVOKED, lambda message: VERIFIED.forget(uuid.UUID(message)), lambda: VERIFIED.clear()
)
