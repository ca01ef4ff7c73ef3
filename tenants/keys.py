"""API key material: generation, parsing and hashing.

A key reads ``cdk_<prefix>_<secret>``: the prefix (12 characters) is public and
finds the row; the secret carries 256 bits of randomness. Only SHA-256 of the
whole key is stored. A slow password hash buys nothing for a random 256-bit
secret, and a fast one keeps authentication off the request's critical path.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass

KEY_MARK = "cdk"
PREFIX_LENGTH = 12
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits


@dataclass(frozen=True)
class KeyMaterial:
    """A freshly generated key: the plaintext is shown once, the rest is stored."""

    plaintext: str
    prefix: str
    secret_hash: str


def generate_key() -> KeyMaterial:
    """A new random key."""
    prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    plaintext = f"{KEY_MARK}_{prefix}_{secrets.token_urlsafe(32)}"
    return KeyMaterial(plaintext=plaintext, prefix=prefix, secret_hash=hash_key(plaintext))


def hash_key(plaintext: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def parse_prefix(plaintext: str) -> str | None:
    """The lookup prefix of a well-formed key, or None when the key is malformed."""
    parts = plaintext.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_MARK:
        return None
    prefix, secret = parts[1], parts[2]
    if len(prefix) != PREFIX_LENGTH or any(c not in _PREFIX_ALPHABET for c in prefix):
        return None
    if len(secret) < 32:
        return None
    return prefix


def matches(plaintext: str, secret_hash: str) -> bool:
    """Whether a presented key is the one stored, compared in constant time."""
    return hmac.compare_digest(hash_key(plaintext), secret_hash)
