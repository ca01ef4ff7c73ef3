"""People: users, their sessions, and failed sign-in throttles.

- ``users`` and ``user_sessions`` are tenant tables (row-level security like every other).
  Sign-in runs before a tenant is known, like key authentication: a transaction may read
  the one user whose address (``app.user_email``) or pending invitation
  (``app.invitation_hash``) it names, or the one session whose cookie hash
  (``app.session_hash``) it names; writes are made as the row's provider.
- ``sign_in_throttles`` holds no tenant data (a hash of an address, or a client IP).

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 22:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import persistence.base
from persistence.rls import enable_lookup_policy, enable_tenant_rls, grant_app_role

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = (
    "provider_admin", "warehouse_operator", "billing", "client_admin", "client_viewer", "supplier",
)  # fmt: skip
KINDS = ("provider", "client", "supplier")


def _time(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, persistence.base.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "sign_in_throttles",
        sa.Column("subject", sa.String(length=100), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        _time("window_started_at"),
        _time("blocked_until", nullable=True),
        sa.PrimaryKeyConstraint("subject", name=op.f("pk_sign_in_throttles")),
    )
    op.create_table(
        "users",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.Enum(*KINDS, name="keykind", native_enum=False), nullable=False),
        sa.Column("role", sa.Enum(*ROLES, name="role", native_enum=False), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("supplier_id", sa.Uuid(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("invited", "active", "deactivated", name="userstatus", native_enum=False),
            nullable=False,
        ),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("invitation_hash", sa.String(length=64), nullable=True),
        _time("invitation_expires_at", nullable=True),
        _time("password_changed_at", nullable=True),
        _time("deactivated_at", nullable=True),
        sa.Column(
            "created_at",
            persistence.base.UTCDateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            persistence.base.UTCDateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["provider_id", "client_id"],
            ["clients.provider_id", "clients.id"],
            name=op.f("fk_users_provider_id_client_id_clients"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id", "supplier_id"],
            ["suppliers.provider_id", "suppliers.id"],
            name=op.f("fk_users_provider_id_supplier_id_suppliers"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_users_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("provider_id", "id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("invitation_hash", name=op.f("uq_users_invitation_hash")),
    )
    op.create_table(
        "user_sessions",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("csrf_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.Enum(*KINDS, name="keykind", native_enum=False), nullable=False),
        sa.Column("role", sa.Enum(*ROLES, name="role", native_enum=False), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("supplier_id", sa.Uuid(), nullable=True),
        _time("created_at"),
        _time("last_seen_at"),
        _time("expires_at"),
        sa.ForeignKeyConstraint(
            ["provider_id", "user_id"],
            ["users.provider_id", "users.id"],
            name=op.f("fk_user_sessions_provider_id_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_user_sessions_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("provider_id", "id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_user_sessions_user", ["provider_id", "user_id"], unique=False)
    for table in ("users", "user_sessions"):
        enable_tenant_rls(table)
    enable_lookup_policy("users", "email", "user_email")
    enable_lookup_policy("users", "invitation_hash", "invitation_hash")
    enable_lookup_policy("user_sessions", "token_hash", "session_hash")
    grant_app_role()


def downgrade() -> None:
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_user_sessions_user")
    op.drop_table("user_sessions")
    op.drop_table("users")
    op.drop_table("sign_in_throttles")
