"""The audit trail: append-only for the application role, pruned only through a function.

- ``audit_events`` is a tenant table (row-level security like every other).
- The application role may INSERT and SELECT, never UPDATE, DELETE or TRUNCATE
  (``persistence.rls.APPEND_ONLY_TABLES``; later ``grant_app_role`` calls keep that).
- Retention: ``prune_audit_events(cutoff)`` is the one way to delete, owned by the schema
  owner (SECURITY DEFINER), limited to the transaction's provider and to rows older than
  seven days (``domain.audit.retention.MIN_RETENTION``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 19:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import persistence.base
from persistence.rls import APP_ROLE, enable_tenant_rls, grant_app_role

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRUNE_FUNCTION = """
CREATE FUNCTION prune_audit_events(cutoff timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    deleted bigint;
BEGIN
    IF cutoff > now() - interval '7 days' THEN
        RAISE EXCEPTION 'audit events younger than 7 days are kept';
    END IF;
    DELETE FROM audit_events
    WHERE provider_id = NULLIF(current_setting('app.provider_id', true), '')::uuid
      AND occurred_at < cutoff;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
$$
"""


def upgrade() -> None:
    op.create_table(
        "audit_events",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", persistence.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "actor_kind",
            sa.Enum("api_key", "operator", "system", name="actorkind", native_enum=False),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("client_id", sa.Uuid(), nullable=True),
        sa.Column("supplier_id", sa.Uuid(), nullable=True),
        sa.Column("mutation", sa.String(length=100), nullable=False),
        sa.Column("object_type", sa.String(length=100), nullable=True),
        sa.Column("object_id", sa.Uuid(), nullable=True),
        sa.Column("input", sa.JSON(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum("ok", "refused", name="auditoutcome", native_enum=False),
            nullable=False,
        ),
        sa.Column("error_codes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_audit_events_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("provider_id", "id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_events_client", ["provider_id", "client_id", "occurred_at"], unique=False
        )
        batch_op.create_index(
            "ix_audit_events_object", ["provider_id", "object_type", "object_id"], unique=False
        )
        batch_op.create_index(
            "ix_audit_events_time", ["provider_id", "occurred_at", "id"], unique=False
        )
    enable_tenant_rls("audit_events")
    grant_app_role()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PRUNE_FUNCTION)
        op.execute("REVOKE ALL ON FUNCTION prune_audit_events(timestamptz) FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION prune_audit_events(timestamptz) TO {APP_ROLE}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS prune_audit_events(timestamptz)")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_time")
        batch_op.drop_index("ix_audit_events_object")
        batch_op.drop_index("ix_audit_events_client")
    op.drop_table("audit_events")
