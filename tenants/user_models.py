"""People: users of a provider, a client or a supplier; their sessions; sign-in throttles."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from persistence.base import Base, Timestamped, enum_column, new_id, utcnow
from tenants.models import KeyKind, client_fk
from tenants.roles import Role

EMAIL_MAX = 254
USER_NAME_MAX = 100


class UserStatus(StrEnum):
    """Where a person's account stands."""

    INVITED = "invited"
    ACTIVE = "active"
    DEACTIVATED = "deactivated"


class User(Timestamped, Base):
    """A person who signs in; e-mail addresses are unique across the platform.

    Sign-in names no tenant, so the address alone must find the account.
    """

    __tablename__ = "users"
    __table_args__ = (
        client_fk(),
        ForeignKeyConstraint(
            ["provider_id", "supplier_id"], ["suppliers.provider_id", "suppliers.id"]
        ),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    """Lower-cased and stripped."""
    name: Mapped[str] = mapped_column(String(USER_NAME_MAX))
    kind: Mapped[KeyKind] = mapped_column(enum_column(KeyKind))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    client_id: Mapped[uuid.UUID | None]
    supplier_id: Mapped[uuid.UUID | None]
    status: Mapped[UserStatus] = mapped_column(enum_column(UserStatus))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    invitation_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    """SHA-256 of the pending invitation's token; None once accepted."""
    invitation_expires_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    deactivated_at: Mapped[datetime | None]


class UserSession(Base):
    """A signed-in browser: only hashes of its cookie and its CSRF token are stored.

    It carries what authorizes the person (kind, role, client or supplier, name), so a
    request reads one row; a role change rewrites it in its sessions (the next request has
    the new scopes), and deactivation or a password change ends them.
    """

    __tablename__ = "user_sessions"
    __table_args__ = (
        ForeignKeyConstraint(["provider_id", "user_id"], ["users.provider_id", "users.id"]),
        Index("ix_user_sessions_user", "provider_id", "user_id"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[uuid.UUID]
    user_name: Mapped[str] = mapped_column(String(USER_NAME_MAX))
    kind: Mapped[KeyKind] = mapped_column(enum_column(KeyKind))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    client_id: Mapped[uuid.UUID | None]
    supplier_id: Mapped[uuid.UUID | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    """The absolute end, however active the session is."""


class SignInThrottle(Base):
    """Failed sign-ins counted per account (a hash of the address) and per client address.

    Holds no tenant data: the subject is a hash or an IP address, never a user's row.
    """

    __tablename__ = "sign_in_throttles"

    subject: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int]
    window_started_at: Mapped[datetime]
    blocked_until: Mapped[datetime | None]
