"""Suppliers' ship-from address, so a supplier can buy a label through Crossdock's carriers.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 02:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("suppliers", sa.Column("ship_from", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("suppliers", "ship_from")
