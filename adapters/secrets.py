"""A Fernet key ring: secrets sealed with the first key, opened with whichever key sealed them.

A sealed value reads ``fernet:<key id>:<token>``. The key id (the first 8 hex digits of the
key's SHA-256) names the key without revealing it, so a value is opened with exactly its
key, and a start-up check can say which configured key is missing before anything fails.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken

PREFIX = "fernet:"
KEY_ID_LENGTH = 8


class SecretKeyError(Exception):
    """A configured key is malformed, or a stored secret needs a key that is not configured."""


def key_id(key: str) -> str:
    """The public name of a key: the first hex digits of its SHA-256."""
    return hashlib.sha256(key.strip().encode()).hexdigest()[:KEY_ID_LENGTH]


def new_key() -> str:
    """A fresh Fernet key (32 random bytes, url-safe base64)."""
    return Fernet.generate_key().decode()


def sealed_key_id(sealed: str) -> str | None:
    """The key id a sealed value names; None when it is not a sealed value."""
    if not sealed.startswith(PREFIX):
        return None
    kid, colon, _ = sealed[len(PREFIX) :].partition(":")
    return kid if colon and len(kid) == KEY_ID_LENGTH else None


class FernetSecretBox:
    """Seals with the first key; opens with any configured key."""

    def __init__(self, keys: Sequence[str], source: str = "CROSSDOCK_SECRET_KEYS"):
        if not keys:
            raise SecretKeyError(f"{source} holds no key.")
        self._keys: dict[str, Fernet] = {}
        for position, key in enumerate(keys, 1):
            try:
                fernet = Fernet(key.strip())
            except (ValueError, TypeError):
                # never echo the value: it may be a real key with a typo
                raise SecretKeyError(
                    f"{source}: key {position} is not a Fernet key (32 url-safe "
                    "base64-encoded bytes; `crossdock secrets new-key` makes one)."
                ) from None
            self._keys.setdefault(key_id(key), fernet)
        self.current_key_id = key_id(keys[0])
        self._current = self._keys[self.current_key_id]

    @property
    def key_ids(self) -> frozenset[str]:
        """The ids of every configured key."""
        return frozenset(self._keys)

    @property
    def current_prefix(self) -> str:
        """How every value sealed now begins."""
        return f"{PREFIX}{self.current_key_id}:"

    def seal(self, plain: str) -> str:
        """`plain` encrypted and authenticated with the first key."""
        return self.current_prefix + self._current.encrypt(plain.encode()).decode()

    def open(self, sealed: str) -> str:
        """The plain value of `sealed`; a SecretKeyError when its key is missing or wrong."""
        kid = sealed_key_id(sealed)
        if kid is None:
            raise SecretKeyError("A stored secret is not sealed; run `crossdock migrate`.")
        fernet = self._keys.get(kid)
        if fernet is None:
            raise SecretKeyError(f"A stored secret was sealed with key {kid}, not configured.")
        token = sealed[len(PREFIX) + KEY_ID_LENGTH + 1 :]
        try:
            return fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise SecretKeyError(f"A stored secret does not open with key {kid}.") from None
