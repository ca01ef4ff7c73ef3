"""Inputs of people's mutations."""

from __future__ import annotations

import strawberry
from strawberry import relay

from api.users.types import UserRoleEnum


@strawberry.input(description="Invite a person; the answer carries their one-time link.")
class InviteUserInput:
    email: str = strawberry.field(description="The address they will sign in with.")
    role: UserRoleEnum = strawberry.field(description="What they may do.")  # type: ignore[valid-type]
    client_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="For a client role: the client; a client's person defaults to its own.",
    )
    supplier_id: relay.GlobalID | None = strawberry.field(
        default=None, description="For the supplier role: the supplier."
    )


@strawberry.input(description="Change the signed-in person's password.")
class ChangePasswordInput:
    current_password: str = strawberry.field(description="The password in use now.")
    new_password: str = strawberry.field(description="The new password (10 to 200 characters).")


@strawberry.input(description="Deactivate a person: they can no longer sign in.")
class DeactivateUserInput:
    id: relay.GlobalID = strawberry.field(description="The person.")


@strawberry.input(description="Give a person another role of the same kind (provider, client).")
class ChangeUserRoleInput:
    id: relay.GlobalID = strawberry.field(description="The person.")
    role: UserRoleEnum = strawberry.field(description="Their new role.")  # type: ignore[valid-type]
