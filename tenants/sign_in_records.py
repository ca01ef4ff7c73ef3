"""What sign-in, its refusals and sign-out tell the audit trail: never a password.

Tenancy cannot import the audit trail (it lies above), so the sign-in functions take a
`SignInRecorder` and call it inside a transaction bound to the person's provider; the
web endpoints pass the audit trail's.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from tenants.user_models import User, UserSession


class SignInAction(StrEnum):
    """What a person did, named like the audit trail's mutations."""

    SIGN_IN = "signIn"
    SIGN_OUT = "signOut"
    ACCEPT_INVITATION = "acceptInvitation"


class SignInRefusal(StrEnum):
    """Why a sign-in was refused, as the audit trail's error code."""

    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_INACTIVE = "ACCOUNT_INACTIVE"
    THROTTLED = "THROTTLED"


@dataclass(frozen=True)
class SignInRecord:
    """One sign-in, refusal or sign-out of a known account."""

    action: SignInAction
    provider_id: uuid.UUID
    user_id: uuid.UUID
    user_name: str
    client_id: uuid.UUID | None
    supplier_id: uuid.UUID | None
    email: str
    client_address: str | None
    at: datetime
    refusal: SignInRefusal | None = None
    blocked_until: datetime | None = None
    """A throttled attempt's end of the block (one record per block is enough)."""
    expired: bool = False
    """A sign-out nobody asked for: the session ran past its end or sat idle too long."""

    @classmethod
    def of_user(
        cls,
        user: User,
        action: SignInAction,
        client_address: str | None,
        at: datetime,
        refusal: SignInRefusal | None = None,
        blocked_until: datetime | None = None,
    ) -> SignInRecord:
        """A record about `user`'s account."""
        return cls(
            action, user.provider_id, user.id, user.name, user.client_id, user.supplier_id,
            user.email, client_address, at, refusal, blocked_until,
        )  # fmt: skip

    @classmethod
    def of_session(
        cls, row: UserSession, action: SignInAction, client_address: str | None, at: datetime
    ) -> SignInRecord:
        """A record about the person a session belongs to (their address is not on it)."""
        return cls(
            action, row.provider_id, row.user_id, row.user_name, row.client_id,
            row.supplier_id, "", client_address, at,
        )  # fmt: skip

    @classmethod
    def of_expiry(cls, row: UserSession, at: datetime) -> SignInRecord:
        """The sign-out of a session that ended by itself at `at`."""
        return dataclasses.replace(
            cls.of_session(row, SignInAction.SIGN_OUT, None, at), expired=True
        )


SignInRecorder = Callable[[Session, SignInRecord], None]
"""Appends a record in the session's open transaction, bound to the record's provider."""
