"""Claims on shipment reports (`channel_orders.report_claims`): the worker telling a shop of a
shipment claims it first, so that two workers holding the same event never both tell the
shop (domain.channels.reports). Every existing channel order starts with none.

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-02 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("channel_orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("report_claims", sa.JSON(), nullable=False, server_default="{}")
        )
    with op.batch_alter_table("channel_orders", schema=None) as batch_op:
        batch_op.alter_column("report_claims", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("channel_orders", schema=None) as batch_op:
        batch_op.drop_column("report_claims")
