"""Signing people in and out, and the scope a session cookie grants.

Like key authentication, sign-in runs before any tenant is known: on PostgreSQL the
lookup transaction sees only the one user (by address) or session (by a hash of its
cookie) it names, and changes nothing; writes follow in a transaction bound to the
row's provider. A session grants exactly its role's scopes through a `TenantScope`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from persistence.base import new_id, utcnow
from persistence.unit_of_work import bind_tenant
from tenants import passwords, throttle
from tenants.errors import AuthenticationError
from tenants.roles import ROLE_SCOPES
from tenants.scope import TenantScope
from tenants.sign_in_records import SignInAction, SignInRecord, SignInRecorder, SignInRefusal
from tenants.throttle import ThrottlePolicy
from tenants.unit_of_work import TenantUnitOfWork
from tenants.user_models import User, UserSession, UserStatus

TOUCH_RESOLUTION = timedelta(minutes=1)
"""How stale `last_seen_at` may get before a request writes it again."""


@dataclass(frozen=True)
class SessionPolicy:
    """How long sessions last, and how failed sign-ins are throttled (settings)."""

    idle: timedelta = timedelta(hours=2)
    absolute: timedelta = timedelta(hours=12)
    throttle: ThrottlePolicy = field(default_factory=ThrottlePolicy)


@dataclass(frozen=True)
class SignedIn:
    """A new session: the person, and the cookie values (the only time they exist)."""

    user: User
    token: str
    csrf_token: str


class InvalidCredentials(Exception):
    """The address or the password is wrong (which one is never said)."""


class SignInThrottled(Exception):
    """Too many failed sign-ins for the account or the client address."""

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


class CsrfRefused(AuthenticationError):
    """A cookie request whose CSRF token is not its session's."""

    def __init__(self) -> None:
        super().__init__("CSRF_REFUSED", "The request's CSRF token does not match its session.")


SESSION_ENDED = AuthenticationError("SESSION_EXPIRED", "The session has ended; sign in again.")


def normalize_email(email: str | None) -> str:
    """An address as stored: stripped and lower-cased."""
    return (email or "").strip().lower()


def token_hash(token: str) -> str:
    """The stored form of a session or CSRF token."""
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(
    session: Session,
    email: str,
    password: str,
    *,
    client_address: str | None,
    policy: SessionPolicy,
    replacing: str | None = None,
    record: SignInRecorder | None = None,
) -> SignedIn:
    """A new session for the account, or InvalidCredentials / SignInThrottled; `record`
    is told of the sign-in or refusal when the address names an account.

    The session id is always new (a cookie the browser brought along, `replacing`, is
    ended): whatever id someone planted before sign-in is worth nothing after it.
    """
    now = utcnow()
    email = normalize_email(email)
    subjects = throttle.subjects(policy.throttle, email, client_address)
    blocked = throttle.blocked_until(session, subjects, now)
    session.rollback()
    if blocked is not None:
        if record is not None:
            _record_refusal(
                session, email, record, client_address, now, SignInRefusal.THROTTLED, blocked
            )
        raise SignInThrottled(throttle.seconds_until(blocked, now))
    user = lookup_one(session, "user_email", email, select(User).where(User.email == email))
    usable = user is not None and user.status is UserStatus.ACTIVE
    if not passwords.verify_password(password, user.password_hash if usable else None):
        throttle.record_failure(session, policy.throttle, subjects, now)
        if record is not None and user is not None:
            refusal = (
                SignInRefusal.INVALID_CREDENTIALS if usable else SignInRefusal.ACCOUNT_INACTIVE
            )
            in_tenant(
                session, user.provider_id, record, _user_record(user, client_address, now, refusal)
            )
        raise InvalidCredentials
    assert user is not None
    throttle.forget(session, subjects[:1])
    if replacing:
        end_session(session, replacing)
    signed_in = SignInRecord.of_user(user, SignInAction.SIGN_IN, client_address, now)
    return start_session(
        session, user, policy, password=password, record=_bound(record, signed_in),
        record_ended=record,
    )  # fmt: skip


def start_session(
    session: Session,
    user: User,
    policy: SessionPolicy,
    *,
    password: str | None = None,
    record: Callable[[Session], None] | None = None,
    record_ended: SignInRecorder | None = None,
) -> SignedIn:
    """Open a session for `user` (committed, as the user's provider, with whatever `record`
    adds); the user's ended sessions go, each told to `record_ended` as a sign-out. With
    the `password` just verified, an outdated hash is upgraded."""
    now = utcnow()
    token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    bind_tenant(session, user.provider_id)
    try:
        ended = session.scalars(
            select(UserSession).where(
                UserSession.provider_id == user.provider_id,
                UserSession.user_id == user.id,
                (UserSession.expires_at < now) | (UserSession.last_seen_at < now - policy.idle),
            )
        ).all()
        for row in ended:
            if _deleted(session, row) and record_ended is not None:
                record_ended(session, SignInRecord.of_expiry(row, ended_at(row, policy)))
        session.add(
            UserSession(
                provider_id=user.provider_id,
                id=new_id(),
                token_hash=token_hash(token),
                csrf_hash=token_hash(csrf_token),
                user_id=user.id,
                user_name=user.name,
                kind=user.kind,
                role=user.role,
                client_id=user.client_id,
                supplier_id=user.supplier_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + policy.absolute,
            )
        )
        if (
            password is not None
            and user.password_hash
            and passwords.needs_rehash(user.password_hash)
        ):
            session.execute(
                update(User)
                .where(User.provider_id == user.provider_id, User.id == user.id)
                .values(password_hash=passwords.hash_password(password))
            )
        if record is not None:
            record(session)
        session.commit()
    finally:
        session.rollback()
        bind_tenant(session, None)
    return SignedIn(user=user, token=token, csrf_token=csrf_token)


def authenticate_session(
    session: Session,
    token: str | None,
    csrf_token: str | None,
    policy: SessionPolicy,
    record: SignInRecorder | None = None,
) -> TenantScope:
    """The scope a session cookie grants, or AuthenticationError (CsrfRefused for a CSRF
    token that is not the session's); records the activity at most once a minute. A
    session found ended is deleted and told to `record` as a sign-out."""
    if not token:
        raise SESSION_ENDED
    row = _find_session(session, token)
    if row is None:
        raise SESSION_ENDED
    if not csrf_token or not hmac.compare_digest(token_hash(csrf_token), row.csrf_hash):
        raise CsrfRefused
    now = utcnow()
    if now >= row.expires_at or now - row.last_seen_at >= policy.idle:
        expiry = SignInRecord.of_expiry(row, ended_at(row, policy))
        _as_provider(session, row, delete(UserSession), _bound(record, expiry))
        raise SESSION_ENDED
    if now - row.last_seen_at > TOUCH_RESOLUTION:
        _as_provider(session, row, update(UserSession).values(last_seen_at=now))
    return TenantScope(
        provider_id=row.provider_id,
        kind=row.kind,
        scopes=ROLE_SCOPES[row.role],
        client_id=row.client_id,
        supplier_id=row.supplier_id,
        user_id=row.user_id,
        user_name=row.user_name,
        session_id=row.id,
    )


def end_session(
    session: Session,
    token: str | None,
    *,
    record: SignInRecorder | None = None,
    client_address: str | None = None,
) -> None:
    """Delete the session a cookie names, if it exists (sign-out, told to `record`); committed."""
    if not token:
        return
    row = _find_session(session, token)
    if row is None:
        return
    signed_out = SignInRecord.of_session(row, SignInAction.SIGN_OUT, client_address, utcnow())
    _as_provider(session, row, delete(UserSession), _bound(record, signed_out))


def in_tenant(
    session: Session, provider_id: uuid.UUID, record: SignInRecorder, what: SignInRecord
) -> None:
    """Tell `record` of `what` in a transaction of its own, bound to `provider_id`."""
    bind_tenant(session, provider_id)
    try:
        record(session, what)
        session.commit()
    finally:
        session.rollback()
        bind_tenant(session, None)


def _record_refusal(
    session: Session,
    email: str,
    record: SignInRecorder,
    client_address: str | None,
    now: datetime,
    refusal: SignInRefusal,
    blocked: datetime | None = None,
) -> None:
    user = lookup_one(session, "user_email", email, select(User).where(User.email == email))
    if user is not None:
        what = _user_record(user, client_address, now, refusal, blocked)
        in_tenant(session, user.provider_id, record, what)


def _user_record(
    user: User,
    client_address: str | None,
    now: datetime,
    refusal: SignInRefusal,
    blocked: datetime | None = None,
) -> SignInRecord:
    return SignInRecord.of_user(user, SignInAction.SIGN_IN, client_address, now, refusal, blocked)


def _bound(record: SignInRecorder | None, what: SignInRecord) -> Callable[[Session], None] | None:
    """`record` told of `what`, in whichever transaction calls it."""
    if record is None:
        return None
    return lambda session: record(session, what)


def _find_session(session: Session, token: str) -> UserSession | None:
    hashed = token_hash(token)
    stmt = select(UserSession).where(UserSession.token_hash == hashed)
    return lookup_one(session, "session_hash", hashed, stmt)


def lookup_one(session: Session, lookup: str, value: str, stmt: Any) -> Any:
    """The one row `stmt` finds by a public `value` before the tenant is known (the
    `lookup` setting lets exactly that row through row-level security); read only,
    detached from the session."""
    session.info[lookup] = value
    try:
        row = session.scalar(stmt)
        if row is not None:
            session.expunge(row)  # keeps its values through the rollback
    finally:
        session.rollback()
        session.info.pop(lookup, None)
    return row


def _as_provider(
    session: Session,
    row: UserSession,
    stmt: Any,
    then: Callable[[Session], None] | None = None,
) -> None:
    """Run an UPDATE or DELETE of one session row as its provider (and `then`, only when
    the row was still there: a concurrent sign-out or sweep records nothing twice), committed."""
    bind_tenant(session, row.provider_id)
    try:
        done = session.execute(
            stmt.where(UserSession.provider_id == row.provider_id, UserSession.id == row.id)
        )
        if then is not None and done.rowcount == 1:
            then(session)
        session.commit()
    finally:
        session.rollback()
        bind_tenant(session, None)


SESSION_CHANGED = AuthenticationError(
    "SCOPES_CHANGED", "The person's role changed; subscribe again to hear with the new one."
)


def session_standing(uow: TenantUnitOfWork) -> AuthenticationError | None:
    """For a caller holding a session's scope for long (a subscription): None while its
    session lives with the rights it had, else why it must stop (SESSION_EXPIRED: signed
    out, deactivated, password changed or past its end; SCOPES_CHANGED: a new role)."""
    row = uow.execute(
        uow.select(UserSession, UserSession.role, UserSession.expires_at).where(
            UserSession.id == uow.scope.session_id
        )
    ).one_or_none()
    if row is None or row.expires_at <= utcnow():
        return SESSION_ENDED
    if ROLE_SCOPES[row.role] != uow.scope.scopes:
        return SESSION_CHANGED
    return None


def ended_at(row: UserSession, policy: SessionPolicy) -> datetime:
    """When a session ended by itself: its absolute end, or idle for too long before it."""
    return min(row.expires_at, row.last_seen_at + policy.idle)


def _deleted(session: Session, row: UserSession) -> bool:
    """Delete one session row; whether it was still there (so its end is recorded once)."""
    done = session.execute(
        delete(UserSession).where(
            UserSession.provider_id == row.provider_id, UserSession.id == row.id
        )
    )
    return done.rowcount == 1


def prune_sessions(
    uow: TenantUnitOfWork, now: datetime, record: SignInRecorder | None = None
) -> int:
    """Delete the provider's sessions past their absolute end (idle ones end by then too),
    each told to `record` as a sign-out at its end; how many."""
    ended = uow.scalars(uow.select(UserSession).where(UserSession.expires_at < now)).all()
    pruned = 0
    for row in ended:
        if _deleted(uow.session, row):
            pruned += 1
            if record is not None:
                record(uow.session, SignInRecord.of_expiry(row, row.expires_at))
    return pruned
