"""Password hashing (argon2id) and the rules a new password must meet.

Passwords are only ever hashed or verified here; they are never stored, logged or put
into an error message. A wrong e-mail address costs one verification against a fixed
dummy hash, so both kinds of failure take about as long.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from tenants.errors import TenantErrorCode, UserFacingError

MIN_LENGTH = 10
MAX_LENGTH = 200
"""Longer passwords are refused before hashing (hashing megabytes is a cheap denial of service)."""

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
"""argon2id at OWASP's recommended floor (19 MiB, 2 passes, 1 lane): about a tenth of a
second on a small server, so a burst of sign-ins cannot starve the API's worker threads;
the library's default (64 MiB, 3 passes, 4 lanes) costs about ten times as much."""
_DUMMY_HASH = _hasher.hash("not-a-password: a wrong e-mail address verifies against this")


def check_new_password(password: str | None, field: str = "password") -> str:
    """The password if it may be used; a user error naming `field` (never the value) if not."""
    value = password or ""
    if len(value) < MIN_LENGTH:
        raise UserFacingError(
            TenantErrorCode.INVALID, f"A password needs at least {MIN_LENGTH} characters.", field
        )
    if len(value) > MAX_LENGTH:
        raise UserFacingError(
            TenantErrorCode.TOO_LONG, f"A password may have at most {MAX_LENGTH} characters.", field
        )
    if not value.strip():
        raise UserFacingError(TenantErrorCode.INVALID, "A password must not be blank.", field)
    return value


def hash_password(password: str) -> str:
    """The stored form of a password (argon2id, with its salt and parameters)."""
    return _hasher.hash(password)


def verify_password(password: str, stored_hash: str | None) -> bool:
    """Whether `password` is the one hashed; with no hash, spends the same time and says no."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(stored_hash)
