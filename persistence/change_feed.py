"""A change feed that never skips a committed change, however long a transaction runs.

Every write to a tracked table stamps the row's ``change_seq`` (a trigger, so that no write
path can forget it). A reader returns only rows below a *horizon* under which no
transaction can still commit:

- PostgreSQL stamps the writing transaction's id (``pg_current_xact_id()``); the horizon is
  the oldest transaction of this database still running (:data:`HORIZON_SQL`). A row
  written by a transaction that is still open, or that started after the read, has an id
  at or above the horizon, so it is held back until every older transaction has finished,
  and is read then, in id order: a cursor below the horizon never jumps over it.
- SQLite has one writer at a time: each write takes the provider's highest stamp in the
  table plus one while holding the write lock, so stamps are in commit order; the horizon
  is the highest committed stamp plus one.

The cost: while a transaction stays open, newer changes wait for it (never lost).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import BigInteger, FetchedValue, func, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

HORIZON_SQL = """
WITH s AS (SELECT pg_current_snapshot() AS snap)
SELECT COALESCE(
    (SELECT min(x::text::bigint) FROM s, pg_snapshot_xip(s.snap) AS x
     WHERE (x::text::bigint % 4294967296) NOT IN (
         SELECT backend_xid::text::bigint FROM pg_stat_activity
         WHERE backend_xid IS NOT NULL AND datname <> current_database())),
    (SELECT pg_snapshot_xmax(snap)::text::bigint FROM s))
"""
"""The oldest transaction still running that may write to this database, else the next id.

Transactions shown running in another database of the server cannot write here and are
left out (a server shared by several databases would otherwise hold every feed back);
one not found in ``pg_stat_activity`` (its view may be older than the snapshot) counts."""


class ChangeTracked:
    """Mixin of tables with a change feed: ``change_seq``, stamped by the database."""

    change_seq: Mapped[int] = mapped_column(
        BigInteger, server_default=text("0"), server_onupdate=FetchedValue()
    )
    """The change feed's position of the row's last write (see persistence.change_feed)."""


def change_horizon(session: Session, model: type[Any], provider_id: uuid.UUID) -> int:
    """The stamp below which every change to the provider's rows of `model` is committed."""
    if session.get_bind().dialect.name == "postgresql":
        return int(session.execute(text(HORIZON_SQL)).scalar_one())
    stmt = select(func.max(model.change_seq)).where(model.provider_id == provider_id)
    return (session.execute(stmt).scalar_one() or 0) + 1


def postgresql_trigger_sql(table: str) -> list[str]:
    """Statements stamping `table`'s rows with the writing transaction's id (the function
    ``stamp_change_seq`` is created once, by :data:`POSTGRESQL_FUNCTION_SQL`)."""
    return [
        f"CREATE TRIGGER {table}_change_seq BEFORE INSERT OR UPDATE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION stamp_change_seq()"
    ]


POSTGRESQL_FUNCTION_SQL = """
CREATE FUNCTION stamp_change_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.change_seq := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END $$
"""


def sqlite_trigger_sql(table: str, key: tuple[str, ...]) -> list[str]:
    """Statements stamping `table`'s rows (`key`: their primary key) in commit order on SQLite.

    SQLite triggers cannot change the row being written, so they update it just after;
    recursive triggers are off, so that update does not fire them again.
    """
    match = " AND ".join(f"{column} = NEW.{column}" for column in key)
    # table and columns are the migration's own constants, never input
    stamp = (
        f"UPDATE {table} SET change_seq = "  # noqa: S608
        f"(SELECT COALESCE(MAX(change_seq), 0) + 1 FROM {table} "
        f"WHERE provider_id = NEW.provider_id) WHERE {match}; "
    )
    return [
        f"CREATE TRIGGER {table}_change_seq_insert AFTER INSERT ON {table} BEGIN {stamp}END",
        f"CREATE TRIGGER {table}_change_seq_update AFTER UPDATE ON {table} BEGIN {stamp}END",
    ]


def drop_trigger_sql(table: str, dialect: str) -> list[str]:
    """Statements removing the triggers the two functions above made."""
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_change_seq ON {table}"]
    return [
        f"DROP TRIGGER IF EXISTS {table}_change_seq_insert",
        f"DROP TRIGGER IF EXISTS {table}_change_seq_update",
    ]
