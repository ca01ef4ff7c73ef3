"""Recognising the database's refusal of a transaction that another one deadlocked with."""

from __future__ import annotations

from sqlalchemy.exc import OperationalError

DEADLOCK_DETECTED = "40P01"
"""PostgreSQL's SQLSTATE for a transaction chosen to end a lock cycle."""


def is_deadlock(error: BaseException) -> bool:
    """Whether `error` is PostgreSQL ending this transaction to break a deadlock.

    The transaction was rolled back whole, so running the same work again is safe.
    """
    if not isinstance(error, OperationalError):
        return False
    return getattr(error.orig, "sqlstate", None) == DEADLOCK_DETECTED
