"""People: the first provider admin, invitations, accepting them, passwords, roles, deactivation."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from persistence.base import new_id, utcnow
from persistence.unit_of_work import bind_tenant
from tenants import passwords
from tenants.errors import TenantError, TenantErrorCode
from tenants.roles import ROLE_KIND, ROLE_SCOPES, Role
from tenants.service import _check_grantable, _key_owner
from tenants.sessions import (
    SessionPolicy,
    SignedIn,
    end_session,
    lookup_one,
    normalize_email,
    start_session,
    token_hash,
)
from tenants.sign_in_records import SignInAction, SignInRecord, SignInRecorder
from tenants.unit_of_work import TenantUnitOfWork
from tenants.user_models import EMAIL_MAX, USER_NAME_MAX, User, UserSession, UserStatus
from tenants.validation import clean_text

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Invitation:
    """An invited person and the one-time token of their link (shown once, never stored)."""

    user: User
    token: str


class InvitationInvalid(Exception):
    """The invitation token is unknown, already used, withdrawn or expired."""


def clean_email(email: str | None, field: str = "email") -> str:
    """An address as stored, or a user error on `field`."""
    value = normalize_email(email)
    if not value:
        raise TenantError(TenantErrorCode.REQUIRED, "Give an e-mail address.", field)
    if len(value) > EMAIL_MAX or not _EMAIL.match(value):
        raise TenantError(TenantErrorCode.INVALID, "This is not an e-mail address.", field)
    return value


def create_user(
    uow: TenantUnitOfWork,
    *,
    email: str,
    name: str,
    password: str,
    role: Role = Role.PROVIDER_ADMIN,
    client_id: uuid.UUID | None = None,
    supplier_id: uuid.UUID | None = None,
) -> User:
    """An active account with a password (the operator's first provider admin; the demo)."""
    user = _new_user(uow, email, role, client_id, supplier_id)
    user.name = clean_text(name, "name", USER_NAME_MAX)
    user.password_hash = passwords.hash_password(passwords.check_new_password(password))
    user.status = UserStatus.ACTIVE
    user.password_changed_at = utcnow()
    _insert(uow, user)
    return user


def invite_user(
    uow: TenantUnitOfWork,
    *,
    email: str,
    role: Role,
    valid_for: timedelta,
    client_id: uuid.UUID | None = None,
    supplier_id: uuid.UUID | None = None,
) -> Invitation:
    """Invite a person with a role (one the caller may grant); inviting a pending address
    again gives it a new link, the old one stops working."""
    token = secrets.token_urlsafe(32)
    address = clean_email(email)
    pending = uow.scalar(uow.select(User).where(User.email == address))
    if pending is not None and pending.status is not UserStatus.INVITED:
        raise TenantError(TenantErrorCode.DUPLICATE, "This person already has an account.", "email")
    if pending is not None:
        again = _new_user(uow, address, role, client_id, supplier_id)  # the same checks
        pending.role, pending.kind = again.role, again.kind
        pending.client_id, pending.supplier_id = again.client_id, again.supplier_id
        pending.invitation_hash = token_hash(token)
        pending.invitation_expires_at = utcnow() + valid_for
        uow.flush()
        return Invitation(user=pending, token=token)
    user = _new_user(uow, address, role, client_id, supplier_id)
    user.name = address.split("@", 1)[0][:USER_NAME_MAX]
    user.status = UserStatus.INVITED
    user.invitation_hash = token_hash(token)
    user.invitation_expires_at = utcnow() + valid_for
    _insert(uow, user)
    return Invitation(user=user, token=token)


def accept_invitation(
    session: Session,
    token: str,
    name: str,
    password: str,
    *,
    policy: SessionPolicy,
    replacing: str | None = None,
    record: SignInRecorder | None = None,
    client_address: str | None = None,
) -> SignedIn:
    """Set the invited person's name and password and sign them in (told to `record`);
    InvitationInvalid when the token does not name a pending invitation."""
    hashed = token_hash(token)
    user = lookup_one(
        session, "invitation_hash", hashed, select(User).where(User.invitation_hash == hashed)
    )
    now = utcnow()
    if (
        user is None
        or user.status is not UserStatus.INVITED
        or user.invitation_expires_at is None
        or user.invitation_expires_at <= now
    ):
        raise InvitationInvalid
    name = clean_text(name, "name", USER_NAME_MAX)
    password_hash = passwords.hash_password(passwords.check_new_password(password))
    bind_tenant(session, user.provider_id)
    try:
        accepted = session.execute(
            update(User)
            .where(
                User.provider_id == user.provider_id,
                User.id == user.id,
                User.invitation_hash == hashed,
                User.status == UserStatus.INVITED,
            )
            .values(
                name=name,
                password_hash=password_hash,
                status=UserStatus.ACTIVE,
                invitation_hash=None,
                invitation_expires_at=None,
                password_changed_at=now,
            )
        ).rowcount
        session.commit()
    finally:
        session.rollback()
        bind_tenant(session, None)
    if not accepted:  # accepted a moment ago by another request
        raise InvitationInvalid
    user.name, user.status, user.password_hash = name, UserStatus.ACTIVE, password_hash
    if replacing:
        end_session(session, replacing)
    if record is None:
        return start_session(session, user, policy)
    accepted_by = SignInRecord.of_user(user, SignInAction.ACCEPT_INVITATION, client_address, now)
    return start_session(session, user, policy, record=lambda bound: record(bound, accepted_by))


def change_password(uow: TenantUnitOfWork, current: str, new: str) -> User:
    """Change the signed-in person's password; their other sessions end."""
    user = uow.get(User, uow.scope.user_id, lock=True)
    if user is None:
        raise TenantError(
            TenantErrorCode.FORBIDDEN, "Only a signed-in person has a password.", "currentPassword"
        )
    if not passwords.verify_password(current or "", user.password_hash):
        raise TenantError(
            TenantErrorCode.INVALID, "The current password is wrong.", "currentPassword"
        )
    user.password_hash = passwords.hash_password(passwords.check_new_password(new, "newPassword"))
    user.password_changed_at = utcnow()
    uow.execute(
        uow.delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.id != uow.scope.session_id
        )
    )
    uow.flush()
    return user


def deactivate_user(uow: TenantUnitOfWork, user_id: uuid.UUID) -> User:
    """Deactivate a person the caller may manage; their sessions and invitation end at once."""
    user = uow.get_or_not_found(User, user_id, "user", lock=True)
    if user.id == uow.scope.user_id:
        raise TenantError(TenantErrorCode.FORBIDDEN, "You cannot deactivate yourself.", "id")
    _check_role_grantable(uow, user.role, field="id")
    if user.role is Role.PROVIDER_ADMIN and user.status is UserStatus.ACTIVE:
        _keep_a_provider_admin(uow, user, "id")
    if user.status is not UserStatus.DEACTIVATED:
        user.status = UserStatus.DEACTIVATED
        user.deactivated_at = utcnow()
        user.invitation_hash = None
        user.invitation_expires_at = None
    uow.execute(uow.delete(UserSession).where(UserSession.user_id == user.id))
    uow.flush()
    return user


def change_user_role(uow: TenantUnitOfWork, user_id: uuid.UUID, role: Role) -> User:
    """Give a person the caller may manage another role of the same kind; their sessions
    carry the new role's scopes from their next request on."""
    user = uow.get_or_not_found(User, user_id, "user", lock=True)
    _check_role_grantable(uow, user.role, field="id")
    _check_role_grantable(uow, role)
    if ROLE_KIND[role] is not user.kind:
        raise TenantError(
            TenantErrorCode.INVALID,
            f"A {user.kind.value}'s person cannot have the role {role.name}.",
            "role",
        )
    if user.role is role:
        return user
    if user.role is Role.PROVIDER_ADMIN and user.status is UserStatus.ACTIVE:
        _keep_a_provider_admin(uow, user, "role")
    user.role = role
    uow.execute(uow.update(UserSession).where(UserSession.user_id == user.id).values(role=role))
    uow.flush()
    return user


def _keep_a_provider_admin(uow: TenantUnitOfWork, leaving: User, field: str) -> None:
    """Refuse to take the last active provider admin away.

    Every active provider admin is locked, in id order, so two admins demoting each
    other at once cannot both succeed."""
    admins = uow.scalars(
        uow.select(User)
        .where(User.role == Role.PROVIDER_ADMIN, User.status == UserStatus.ACTIVE)
        .order_by(User.id)
        .with_for_update()
    ).all()
    if not any(admin.id != leaving.id for admin in admins):
        raise TenantError(
            TenantErrorCode.FORBIDDEN, "The provider must keep at least one active admin.", field
        )


def _new_user(
    uow: TenantUnitOfWork,
    email: str,
    role: Role,
    client_id: uuid.UUID | None,
    supplier_id: uuid.UUID | None,
) -> User:
    kind = ROLE_KIND[role]
    _check_role_grantable(uow, role)
    client_id, supplier_id = _key_owner(uow, kind, client_id, supplier_id)
    return User(
        provider_id=uow.scope.provider_id,
        id=new_id(),
        email=clean_email(email),
        name="",
        kind=kind,
        role=role,
        client_id=client_id,
        supplier_id=supplier_id,
    )


def _check_role_grantable(uow: TenantUnitOfWork, role: Role, field: str = "role") -> None:
    """A caller manages only people whose rights it holds itself, as it grants keys."""
    try:
        _check_grantable(uow.scope, ROLE_SCOPES[role], ROLE_KIND[role])
    except TenantError as refusal:
        raise TenantError(
            refusal.code, f"You may not manage people with the role {role.name}.", field
        ) from None


def _insert(uow: TenantUnitOfWork, user: User) -> None:
    """Add the user; an address taken anywhere on the platform is a DUPLICATE."""
    try:
        with uow.session.begin_nested():
            uow.add(user)
    except IntegrityError:
        raise TenantError(
            TenantErrorCode.DUPLICATE, "This person already has an account.", "email"
        ) from None
