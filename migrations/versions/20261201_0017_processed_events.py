"""Consumers record what they processed; the redelivery sweep re-publishes what they did not.

- ``processed_events``: one row per event and consumer, written in the consumer's own
  transaction (row-level security like every tenant table).
- ``outbox_events`` gains ``redeliveries``, ``redelivered_at`` and ``settled_at``, and a
  partial index of published events not yet settled: the sweep reads only those. Events
  published before this revision count as settled (they have no marks to compare).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import persistence.base
from persistence.rls import secure_new_tenant_tables

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSETTLED = "settled_at IS NULL AND published_at IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "processed_events",
        sa.Column("provider_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("consumer", sa.String(length=100), nullable=False),
        sa.Column("processed_at", persistence.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_processed_events_provider_id_providers"),
        ),
        sa.PrimaryKeyConstraint(
            "provider_id", "event_id", "consumer", name=op.f("pk_processed_events")
        ),
    )
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("redeliveries", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("redelivered_at", persistence.base.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("settled_at", persistence.base.UTCDateTime(timezone=True), nullable=True)
        )
    op.execute("UPDATE outbox_events SET settled_at = published_at WHERE published_at IS NOT NULL")
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_events_unsettled",
            ["provider_id", "published_at"],
            unique=False,
            postgresql_where=sa.text(UNSETTLED),
            sqlite_where=sa.text(UNSETTLED),
        )
    secure_new_tenant_tables("processed_events")


def downgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_events_unsettled",
            postgresql_where=sa.text(UNSETTLED),
            sqlite_where=sa.text(UNSETTLED),
        )
        batch_op.drop_column("settled_at")
        batch_op.drop_column("redelivered_at")
        batch_op.drop_column("redeliveries")
    op.drop_table("processed_events")
