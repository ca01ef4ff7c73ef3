"""Failed sign-in throttling, per account and per client address, kept in the database.

Every process of a deployment shares the counts. A subject that fails `max_failures`
times within `window` is refused until the window has passed since its first failure;
an unknown address counts like a known one, so throttling tells nobody which exist.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tenants.user_models import SignInThrottle


@dataclass(frozen=True)
class ThrottlePolicy:
    """How many failures each kind of subject may have within the window."""

    max_account_failures: int = 5
    max_address_failures: int = 50
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class Subject:
    """One thing failures are counted against, with its own limit."""

    key: str
    limit: int


def subjects(policy: ThrottlePolicy, email: str, client_address: str | None) -> list[Subject]:
    """The account (by a hash of its address) and the client address a sign-in counts against."""
    digest = hashlib.sha256(email.encode()).hexdigest()
    found = [Subject(f"account:{digest}", policy.max_account_failures)]
    if client_address:
        found.append(Subject(f"address:{client_address[:80]}", policy.max_address_failures))
    return found


def blocked_until(session: Session, keys: Iterable[Subject], now: datetime) -> datetime | None:
    """When the last throttled subject may try again, or None when none is throttled."""
    rows = session.scalars(
        select(SignInThrottle.blocked_until).where(
            SignInThrottle.subject.in_([s.key for s in keys]),
            SignInThrottle.blocked_until > now,
        )
    ).all()
    return max(rows) if rows else None


def seconds_until(moment: datetime, now: datetime) -> int:
    """Whole seconds (at least 1) from `now` until `moment`: a Retry-After."""
    return max(1, int((moment - now).total_seconds() + 0.999))


def record_failure(
    session: Session, policy: ThrottlePolicy, keys: Iterable[Subject], now: datetime
) -> None:
    """Count one failure against each subject (committed), blocking those at their limit."""
    keys = list(keys)
    try:
        for subject in keys:
            _count(session, policy, subject, now)
        session.commit()
    except IntegrityError:  # another process made a subject's row first: count on it
        session.rollback()
        for subject in keys:
            _count(session, policy, subject, now)
        session.commit()


def forget(session: Session, keys: Iterable[Subject]) -> None:
    """A successful sign-in clears its account's failures (committed)."""
    session.execute(delete(SignInThrottle).where(SignInThrottle.subject.in_([s.key for s in keys])))
    session.commit()


def prune(session: Session, now: datetime, horizon: timedelta = timedelta(days=1)) -> int:
    """Delete counts whose window began over `horizon` ago and that block nothing (committed)."""
    deleted = session.execute(
        delete(SignInThrottle).where(
            SignInThrottle.window_started_at < now - horizon,
            (SignInThrottle.blocked_until.is_(None)) | (SignInThrottle.blocked_until < now),
        )
    ).rowcount
    session.commit()
    return deleted


def _count(session: Session, policy: ThrottlePolicy, subject: Subject, now: datetime) -> None:
    window_start = now - policy.window
    # A stale window starts over; a live one counts on. Each is one conditional UPDATE,
    # so processes racing on the same subject never lose a failure.
    restarted = session.execute(
        update(SignInThrottle)
        .where(
            SignInThrottle.subject == subject.key,
            SignInThrottle.window_started_at <= window_start,
        )
        .values(failures=1, window_started_at=now, blocked_until=None)
    ).rowcount
    if not restarted:
        counted = session.execute(
            update(SignInThrottle)
            .where(SignInThrottle.subject == subject.key)
            .values(failures=SignInThrottle.failures + 1)
        ).rowcount
        if not counted:
            _insert(session, policy, subject, now)
            return
    row = session.get(SignInThrottle, subject.key, populate_existing=True)
    if row is not None and row.failures >= subject.limit and row.blocked_until is None:
        row.blocked_until = row.window_started_at + policy.window
        session.flush()


def _insert(session: Session, policy: ThrottlePolicy, subject: Subject, now: datetime) -> None:
    blocked = now + policy.window if subject.limit <= 1 else None
    session.add(
        SignInThrottle(
            subject=subject.key, failures=1, window_started_at=now, blocked_until=blocked
        )
    )
    session.flush()
