"""API keys verified a moment ago, remembered so a request need not read its key again.

A hit skips the key's own transaction (tenant setting, lookup, commit). Entries live
`SECONDS` at most and are dropped at once when this process revokes the key; a key
revoked by another process (another `crossdock serve` worker, the `crossdock keys revoke`
command) keeps working here for at most `SECONDS`. Only accepted keys are remembered,
under the digest of the key (never the key itself); `SIZE` bounds the memory.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy.orm import Session

from tenants.keys import hash_key
from tenants.scope import TenantScope

SECONDS = 5.0
SIZE = 4096


class VerifiedKeys:
    """A bounded, thread-safe LRU of key digests and the scopes they authenticate."""

    def __init__(
        self,
        seconds: float = SECONDS,
        size: int = SIZE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.seconds, self.size, self.clock = seconds, size, clock
        self._entries: OrderedDict[str, tuple[float, TenantScope]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, plaintext: str) -> TenantScope | None:
        """The scope `plaintext` was verified for, if that was less than `seconds` ago."""
        digest = hash_key(plaintext)
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None:
                return None
            if self.clock() >= entry[0]:
                del self._entries[digest]
                return None
            self._entries.move_to_end(digest)
            return entry[1]

    def put(self, plaintext: str, scope: TenantScope) -> None:
        """Remember a key just verified."""
        digest = hash_key(plaintext)
        with self._lock:
            self._entries[digest] = (self.clock() + self.seconds, scope)
            self._entries.move_to_end(digest)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def forget(self, key_id: uuid.UUID) -> None:
        """Drop the key with this id (revoked)."""
        with self._lock:
            for digest in [d for d, (_, s) in self._entries.items() if s.key_id == key_id]:
                del self._entries[digest]

    def authenticate(
        self, session: Session, plaintext: str | None, check: Callable[..., TenantScope]
    ) -> TenantScope:
        """`check(session, plaintext)` unless the key was verified a moment ago."""
        if plaintext:
            scope = self.get(plaintext)
            if scope is not None:
                return scope
        scope = check(session, plaintext)
        assert plaintext is not None  # a missing key never passes the check
        self.put(plaintext, scope)
        return scope


VERIFIED = VerifiedKeys()
"""This process's verified keys (the API's; `tenants.service.authenticate` itself reads)."""
