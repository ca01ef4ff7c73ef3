"""Suppliers' ship-from address, so a supplier can buy a label through Crossdock's carriers.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 02:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("suppliers", sa.Column("ship_from", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("suppliers", "ship_from")
