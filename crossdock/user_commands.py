"""`crossdock user create` (a provider's first admin) and `crossdock user invite` (a link)."""

from __future__ import annotations

import argparse
import getpass
import sys
import uuid
from datetime import timedelta
from typing import Any

from crossdock.settings import Settings
from tenants.errors import TenantError, TenantErrorCode
from tenants.models import Client, Provider, Supplier
from tenants.roles import Role
from tenants.unit_of_work import TenantUnitOfWork
from tenants.user_models import User
from tenants.users import Invitation, create_user, invite_user

ROLES = [role.value for role in Role]


def add_user_commands(commands: Any) -> None:
    """`crossdock user create|invite`."""
    user = commands.add_parser("user", help="manage people who sign in").add_subparsers(
        required=True, metavar="ACTION"
    )
    create = user.add_parser(
        "create", help="create an active person with a password (e.g. the first provider admin)"
    )
    _common(create)
    create.add_argument("--name", required=True, help="the person's name")
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (else it is asked for)",
    )
    create.set_defaults(run=_create)
    invite = user.add_parser("invite", help="invite a person; prints their one-time link")
    _common(invite)
    invite.set_defaults(run=_invite)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--provider", required=True, help="provider id")
    parser.add_argument("--email", required=True, help="the address they sign in with")
    parser.add_argument("--role", choices=ROLES, default=Role.PROVIDER_ADMIN.value)
    parser.add_argument("--client", help="client code, for a client role")
    parser.add_argument("--supplier", help="supplier code, for the supplier role")
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def _create(settings: Settings, args: argparse.Namespace) -> int:
    from crossdock import cli

    password = _read_password(args)

    def work(uow: TenantUnitOfWork) -> User:
        client_id, supplier_id = _owner(uow, args)
        user = create_user(
            uow, email=args.email, name=args.name, password=password, role=Role(args.role),
            client_id=client_id, supplier_id=supplier_id,
        )  # fmt: skip
        change = {"email": args.email, "name": args.name, "role": args.role}
        cli._audit(uow, uow.scope.provider_id, "createUser", change, "User", user.id)
        return user

    user = cli._in_unit_of_work(settings, work, _provider_id(args))
    cli._report(
        args,
        {"user_id": str(user.id), "email": user.email, "role": user.role.value},
        f"{user.role.value} {user.email} created; they can sign in now",
    )
    return 0


def _invite(settings: Settings, args: argparse.Namespace) -> int:
    from crossdock import cli

    def work(uow: TenantUnitOfWork) -> Invitation:
        client_id, supplier_id = _owner(uow, args)
        invitation = invite_user(
            uow, email=args.email, role=Role(args.role), client_id=client_id,
            supplier_id=supplier_id, valid_for=timedelta(hours=settings.invitation_hours),
        )  # fmt: skip
        change = {"email": args.email, "role": args.role}
        cli._audit(uow, uow.scope.provider_id, "inviteUser", change, "User", invitation.user.id)
        return invitation

    invitation = cli._in_unit_of_work(settings, work, _provider_id(args))
    base = settings.public_url or f"http://{settings.host}:{settings.port}"
    link = f"{base}/accept-invitation#token={invitation.token}"
    cli._report(
        args,
        {
            "user_id": str(invitation.user.id),
            "email": invitation.user.email,
            "invitation_url": link,
            "expires_at": invitation.user.invitation_expires_at.isoformat()
            if invitation.user.invitation_expires_at
            else None,
        },
        f"invitation for {invitation.user.email} (one-time, valid {settings.invitation_hours} h):"
        f"\n{link}",
    )
    return 0


def _provider_id(args: argparse.Namespace) -> uuid.UUID:
    try:
        return uuid.UUID(args.provider)
    except ValueError:
        raise TenantError(
            TenantErrorCode.INVALID, f"--provider must be a provider id, not {args.provider!r}"
        ) from None


def _owner(uow: TenantUnitOfWork, args: argparse.Namespace) -> tuple[Any, Any]:
    from crossdock import cli

    if uow.scalar(uow.select(Provider, Provider.id)) is None:
        raise TenantError(
            TenantErrorCode.NOT_FOUND, f"No provider has id {args.provider}.", "provider"
        )
    return (
        cli._id_by_code(uow, Client, args.client, "client"),
        cli._id_by_code(uow, Supplier, args.supplier, "supplier"),
    )


def _read_password(args: argparse.Namespace) -> str:
    """The new password, from standard input or asked twice; never from the command line
    (other users of the machine can read command lines)."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise TenantError(TenantErrorCode.INVALID, "The two passwords differ.", "password")
    return first
