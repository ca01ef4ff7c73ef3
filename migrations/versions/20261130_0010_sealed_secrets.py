"""Secrets at rest: webhook secrets and carrier credentials sealed with the application key.

The three columns become text wide enough for a Fernet token (``fernet:<key id>:<token>``),
and every value already stored is sealed here, in the migration's transaction, so no
plaintext secret survives the upgrade. The key ring comes from ``crossdock migrate`` (the
settings: ``CROSSDOCK_SECRET_KEYS``, or the embedded key file); a database holding secrets
cannot be upgraded without it. The downgrade opens them again.

A system task (``secret_keys``) may read every tenant's sealed columns and providers: the
start-up check reads which keys stored secrets need, and ``crossdock secrets rotate`` lists
providers before re-sealing each one's secrets in its own transaction.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 20:05:00.000000
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from persistence.rls import system_task_policy_name, system_task_policy_sql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEALED = (
    ("webhook_endpoints", "secret", sa.String(length=100), False),
    ("carrier_accounts", "api_key", sa.String(length=500), True),
    ("carrier_accounts", "webhook_secret", sa.String(length=100), True),
)
TASK = "secret_keys"
POLICIES = (
    ("webhook_endpoints", "SELECT"),
    ("carrier_accounts", "SELECT"),
    ("providers", "SELECT"),
)


def upgrade() -> None:
    for table, column, old_type, nullable in SEALED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column, existing_type=old_type, type_=sa.Text(), existing_nullable=nullable
            )
    _convert(lambda box, value: box.seal(value))
    if op.get_bind().dialect.name == "postgresql":
        for table, command in POLICIES:
            op.execute(system_task_policy_sql(table, TASK, command))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, command in POLICIES:
            op.execute(f"DROP POLICY IF EXISTS {system_task_policy_name(TASK, command)} ON {table}")
    _convert(lambda box, value: box.open(value))
    for table, column, old_type, nullable in SEALED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                column, existing_type=sa.Text(), type_=old_type, existing_nullable=nullable
            )


def _convert(change: Callable[[Any, str], str]) -> None:
    """Apply `change(box, value)` to every stored secret, as the owner, across tenants."""
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    tables = sorted({table for table, _, _, _ in SEALED})
    if postgres:  # the owner is subject to its own forced row-level security
        for table in tables:
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    box = None
    for table, column, _, _ in SEALED:
        rows = bind.execute(
            sa.text(
                f"SELECT provider_id, id, {column} FROM {table} "  # noqa: S608 - names are ours
                f"WHERE {column} IS NOT NULL"
            )
        ).all()
        for provider_id, row_id, value in rows:
            box = box or _secret_box()
            bind.execute(
                sa.text(
                    f"UPDATE {table} SET {column} = :value "  # noqa: S608 - names are ours
                    "WHERE provider_id = :p AND id = :i"
                ),
                {"value": change(box, value), "p": provider_id, "i": row_id},
            )
    if postgres:
        for table in tables:
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def _secret_box() -> Any:
    loader = (
        op.get_context().config.attributes.get("secret_box") if op.get_context().config else None
    )
    if loader is None:
        raise RuntimeError(
            "Stored secrets must be sealed with the application key: run `crossdock migrate` "
            "with CROSSDOCK_SECRET_KEYS set (the embedded default uses its key file)."
        )
    return loader()
