"""Change feeds: orders, shipments and inventory levels carry the stamp of their last write.

``change_seq`` is set by a trigger on every insert and update (persistence.change_feed):
on PostgreSQL the writing transaction's id, read back below the oldest running
transaction; on SQLite the provider's highest stamp plus one (one writer at a time).
Rows written before this migration keep 0: a feed read from the start returns them first.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 23:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from persistence.change_feed import (
    POSTGRESQL_FUNCTION_SQL,
    drop_trigger_sql,
    postgresql_trigger_sql,
    sqlite_trigger_sql,
)

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {
    "orders": ("provider_id", "id"),
    "shipments": ("provider_id", "id"),
    "inventory_levels": ("provider_id", "product_id", "warehouse_id"),
}
INDEXES = {
    "orders": ("ix_orders_changes", ("provider_id", "change_seq", "id")),
    "shipments": ("ix_shipments_changes", ("provider_id", "change_seq", "id")),
    "inventory_levels": (
        "ix_inventory_levels_changes",
        ("provider_id", "change_seq", "product_id", "warehouse_id"),
    ),
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(POSTGRESQL_FUNCTION_SQL)
    for table, key in TABLES.items():
        op.add_column(
            table,
            sa.Column("change_seq", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        )
        name, columns = INDEXES[table]
        op.create_index(name, table, list(columns))
        triggers = (
            postgresql_trigger_sql(table)
            if dialect == "postgresql"
            else sqlite_trigger_sql(table, key)
        )
        for statement in triggers:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        for statement in drop_trigger_sql(table, dialect):
            op.execute(statement)
        op.drop_index(INDEXES[table][0], table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("change_seq")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS stamp_change_seq()")
