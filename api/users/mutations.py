"""Mutations of people, each with its own payload: invitations, passwords, roles, deactivation."""

from __future__ import annotations

from datetime import timedelta

import strawberry
from strawberry.types import Info

from api.context import Context
from api.mutations import Payload, decode_id, mutate, optional_id
from api.permissions import authenticated, requires
from api.users.inputs import (
    ChangePasswordInput,
    ChangeUserRoleInput,
    DeactivateUserInput,
    InviteUserInput,
)
from api.users.types import UserType
from tenants import users
from tenants.unit_of_work import TenantUnitOfWork


@strawberry.type
class InviteUserPayload(Payload):
    user: UserType | None = strawberry.field(
        default=None, description="The invited person; null when refused."
    )
    invitation_url: str | None = strawberry.field(
        default=None,
        description="The one-time link to hand to the person (there is no mail server). "
        "Shown once; inviting the address again makes a new one.",
    )


@strawberry.type
class ChangePasswordPayload(Payload):
    user: UserType | None = strawberry.field(
        default=None, description="The signed-in person after the change; null when refused."
    )


@strawberry.type
class ChangeUserRolePayload(Payload):
    user: UserType | None = strawberry.field(
        default=None, description="The person after the change; null when refused."
    )


@strawberry.type
class DeactivateUserPayload(Payload):
    user: UserType | None = strawberry.field(
        default=None, description="The person after the change; null when refused."
    )


def invitation_url(base_url: str, token: str) -> str:
    """The link an invited person opens: the app's page, the token in the fragment (never
    sent to servers or kept in their logs)."""
    return f"{base_url}/accept-invitation#token={token}"


@strawberry.type
class Mutation:
    @strawberry.mutation(permission_classes=[requires("users:write")])
    async def invite_user(
        self, info: Info[Context, None], input: InviteUserInput
    ) -> InviteUserPayload:
        """Invite a person with a role you may grant; the answer carries their link."""
        valid_for = timedelta(hours=info.context.invitation_hours)

        def work(uow: TenantUnitOfWork) -> users.Invitation:
            return users.invite_user(
                uow,
                email=input.email,
                role=input.role,
                valid_for=valid_for,
                client_id=optional_id(input.client_id, "Client", "clientId"),
                supplier_id=optional_id(input.supplier_id, "Supplier", "supplierId"),
            )

        base_url = info.context.invitation_base_url or ""
        return await mutate(
            info,
            InviteUserPayload,
            work,
            lambda made: InviteUserPayload(
                user=UserType.from_row(made.user),
                invitation_url=invitation_url(base_url, made.token),
            ),
        )

    @strawberry.mutation(permission_classes=[authenticated])
    async def change_password(
        self, info: Info[Context, None], input: ChangePasswordInput
    ) -> ChangePasswordPayload:
        """Change your own password (signed in); your other sessions end."""
        return await mutate(
            info,
            ChangePasswordPayload,
            lambda uow: users.change_password(uow, input.current_password, input.new_password),
            lambda user: ChangePasswordPayload(user=UserType.from_row(user)),
        )

    @strawberry.mutation(permission_classes=[requires("users:write")])
    async def deactivate_user(
        self, info: Info[Context, None], input: DeactivateUserInput
    ) -> DeactivateUserPayload:
        """Deactivate a person you may manage; their sessions end at once."""
        return await mutate(
            info,
            DeactivateUserPayload,
            lambda uow: users.deactivate_user(uow, decode_id(input.id, "User", "id")),
            lambda user: DeactivateUserPayload(user=UserType.from_row(user)),
        )

    @strawberry.mutation(permission_classes=[requires("users:write")])
    async def change_user_role(
        self, info: Info[Context, None], input: ChangeUserRoleInput
    ) -> ChangeUserRolePayload:
        """Change the role of a person you may manage (never the provider's last admin);
        their open sessions get the new role's scopes at once."""
        return await mutate(
            info,
            ChangeUserRolePayload,
            lambda uow: users.change_user_role(uow, decode_id(input.id, "User", "id"), input.role),
            lambda user: ChangeUserRolePayload(user=UserType.from_row(user)),
        )
