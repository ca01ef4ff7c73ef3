"""Narrow the row-level security exceptions to what each one is for.

- ``api_keys``: drop ``key_lookup_touch``. Authentication records a key's use in a
  transaction bound to the key's provider, so a transaction that knows only a prefix
  (before the key is verified) can read that one row and change nothing.
- System tasks reach every tenant only with the commands they run: the outbox relay
  reads and stamps ``outbox_events`` (SELECT ... FOR UPDATE needs the UPDATE policy
  too); the billing scheduler reads ``providers``; the tracking poller reads
  ``shipments``. None of them inserts or deletes across tenants.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 15:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

from persistence.rls import (
    KEY_PREFIX_SETTING,
    system_task_policy_name,
    system_task_policy_sql,
)

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SYSTEM_TASKS = (
    ("outbox_events", "outbox_relay", ("SELECT", "UPDATE")),
    ("providers", "scheduler", ("SELECT",)),
    ("shipments", "tracking_poller", ("SELECT",)),
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP POLICY IF EXISTS key_lookup_touch ON api_keys")
    for table, task, commands in SYSTEM_TASKS:
        op.execute(f"DROP POLICY IF EXISTS {system_task_policy_name(task)} ON {table}")
        for command in commands:
            op.execute(system_task_policy_sql(table, task, command))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, task, commands in SYSTEM_TASKS:
        for command in commands:
            op.execute(f"DROP POLICY IF EXISTS {system_task_policy_name(task, command)} ON {table}")
        op.execute(system_task_policy_sql(table, task))
    predicate = f"prefix = NULLIF(current_setting('{KEY_PREFIX_SETTING}', true), '')"
    op.execute(
        f"CREATE POLICY key_lookup_touch ON api_keys FOR UPDATE "
        f"USING ({predicate}) WITH CHECK ({predicate})"
    )
