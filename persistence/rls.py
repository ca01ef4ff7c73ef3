"""PostgreSQL row-level security: the per-transaction tenant setting and the policy DDL.

Every tenant table gets the same recipe, one line in a migration::

    enable_tenant_rls("orders")

The application role then sees only rows whose ``provider_id`` equals the
transaction-local setting ``app.provider_id``, and no rows when it is unset.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, SessionTransaction

PROVIDER_SETTING = "app.provider_id"
KEY_PREFIX_SETTING = "app.key_prefix"
SYSTEM_TASK_SETTING = "app.system_task"
LOOKUP_SETTINGS = {
    "key_prefix": KEY_PREFIX_SETTING,
    "session_hash": "app.session_hash",
    "user_email": "app.user_email",
    "invitation_hash": "app.invitation_hash",
}
"""What an unauthenticated transaction may look up, by ``session.info`` name: the one row
(an API key, a session, a user by address or by invitation) whose public value it holds."""
APP_ROLE = "crossdock_app"
"""The group role the application logs in through; neither superuser nor table owner."""
APPEND_ONLY_TABLES = ("audit_events",)
"""Tables the application role may insert into and read, never update or delete from."""

_SET_TENANT = text(
    "SELECT set_config(:provider_setting, :provider, true),"
    " set_config(:task_setting, :task, true), "
    + ", ".join(
        f"set_config('{setting}', :{name}, true)" for name, setting in LOOKUP_SETTINGS.items()
    )
)
_CURRENT_PROVIDER = f"NULLIF(current_setting('{PROVIDER_SETTING}', true), '')::uuid"


def tenant_policy_sql(table: str, column: str = "provider_id") -> list[str]:
    """Statements that force row-level security on ``table``, keyed on ``column``."""
    predicate = f"{column} = {_CURRENT_PROVIDER}"
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY tenant_isolation ON {table} USING ({predicate}) WITH CHECK ({predicate})",
    ]


def enable_tenant_rls(table: str, column: str = "provider_id") -> None:
    """Alembic step: force row-level security on a tenant table (no-op off PostgreSQL)."""
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in tenant_policy_sql(table, column):
        op.execute(statement)


def secure_new_tenant_tables(*tables: str) -> None:
    """Alembic step for a migration adding tenant tables: force row-level security on each
    and grant the application role its access (no-op off PostgreSQL)."""
    for table in tables:
        enable_tenant_rls(table)
    grant_app_role()


def enable_key_lookup_policy(table: str = "api_keys") -> None:
    """Alembic step: let authentication read and touch one key by its public prefix.

    Before a key is verified, the caller's provider is unknown; this policy lets
    exactly the row whose prefix is in ``app.key_prefix`` through, nothing else.
    Revision 0008 drops the touch (UPDATE) policy again: the use of a key is recorded
    as its provider, so an unauthenticated transaction changes nothing.
    """
    if op.get_bind().dialect.name != "postgresql":
        return
    predicate = f"prefix = NULLIF(current_setting('{KEY_PREFIX_SETTING}', true), '')"
    op.execute(f"CREATE POLICY key_lookup_read ON {table} FOR SELECT USING ({predicate})")
    op.execute(
        f"CREATE POLICY key_lookup_touch ON {table} FOR UPDATE "
        f"USING ({predicate}) WITH CHECK ({predicate})"
    )


def enable_lookup_policy(table: str, column: str, lookup: str) -> None:
    """Alembic step: let an unauthenticated transaction read the one row of `table` whose
    `column` equals the lookup setting `lookup` (a key of LOOKUP_SETTINGS); read only."""
    if op.get_bind().dialect.name != "postgresql":
        return
    predicate = f"{column} = NULLIF(current_setting('{LOOKUP_SETTINGS[lookup]}', true), '')"
    op.execute(f"CREATE POLICY {lookup}_lookup_read ON {table} FOR SELECT USING ({predicate})")


def enable_system_task_policy(table: str, task: str, commands: tuple[str, ...] = ("ALL",)) -> None:
    """Alembic step: let one named system task (e.g. the outbox relay) reach every tenant's rows.

    Tasks that work across tenants (publishing the outbox, scheduling billing) set
    ``app.system_task`` for their transaction; the policy names the task, so each
    cross-tenant reach is explicit and searchable. `commands` limits the reach to what
    the task does (``SELECT``, ``UPDATE``, ...); each gets its own policy.
    """
    if op.get_bind().dialect.name != "postgresql":
        return
    for command in commands:
        op.execute(system_task_policy_sql(table, task, command))


def system_task_policy_sql(table: str, task: str, command: str = "ALL") -> str:
    """The policy letting `task` run `command` on every tenant's rows of `table`."""
    predicate = f"current_setting('{SYSTEM_TASK_SETTING}', true) = '{task}'"
    name = system_task_policy_name(task, command)
    using = "" if command == "INSERT" else f" USING ({predicate})"
    check = "" if command in ("SELECT", "DELETE") else f" WITH CHECK ({predicate})"
    return f"CREATE POLICY {name} ON {table} FOR {command}{using}{check}"


def system_task_policy_name(task: str, command: str = "ALL") -> str:
    """`system_<task>` for every command, `system_<task>_<command>` for one."""
    return f"system_{task}" if command == "ALL" else f"system_{task}_{command.lower()}"


def grant_app_role() -> None:
    """Alembic step: create the application group role if missing and grant it table access."""
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') "
        f"THEN CREATE ROLE {APP_ROLE} NOLOGIN; END IF; END $$"
    )
    op.execute(f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}")
    op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    op.execute(f"REVOKE ALL ON alembic_version FROM {APP_ROLE}")
    for table in APPEND_ONLY_TABLES:
        # Granting on ALL TABLES again (each migration that adds tables does) must not
        # hand UPDATE or DELETE back on an append-only table.
        op.execute(
            f"DO $$ BEGIN IF to_regclass('{table}') IS NOT NULL THEN "
            f"REVOKE UPDATE, DELETE, TRUNCATE ON {table} FROM {APP_ROLE}; END IF; END $$"
        )


def install_tenant_setting() -> None:
    """Make every ORM transaction on PostgreSQL carry the tenant of its session.

    The values come from ``session.info`` and are set with ``set_config(..., true)``,
    local to the transaction, so a pooled connection never carries one tenant's
    setting into the next request.
    """
    if not event.contains(Session, "after_begin", _apply_tenant_setting):
        event.listen(Session, "after_begin", _apply_tenant_setting)


def _apply_tenant_setting(
    session: Session, transaction: SessionTransaction, connection: Connection
) -> None:
    if connection.dialect.name != "postgresql":
        return
    info = session.info
    provider_id = info.get("provider_id")
    system_task = info.get("system_task")
    lookups = {name: info.get(name) or "" for name in LOOKUP_SETTINGS}
    if provider_id is None and system_task is None and not any(lookups.values()):
        return
    connection.execute(
        _SET_TENANT,
        {
            "provider_setting": PROVIDER_SETTING,
            "provider": str(provider_id or ""),
            "task_setting": SYSTEM_TASK_SETTING,
            "task": system_task or "",
            **lookups,
        },
    )
