"""Engines and session factories for the configured database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from persistence import json_columns
from persistence.rls import install_tenant_setting

SQLITE_BUSY_TIMEOUT_MS = 10_000


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for `url`: psycopg 3 for PostgreSQL, tuned pysqlite for SQLite."""
    parsed = make_url(url)
    # Row values in error messages can be secrets (webhook secrets, carrier keys).
    options.setdefault("hide_parameters", True)
    options.setdefault("json_serializer", json_columns.dumps)
    options.setdefault("json_deserializer", json_columns.loads)
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        options.setdefault("pool_pre_ping", True)
        # No server-side prepared statements: psycopg forgets them on every ROLLBACK (each
        # read request, the key lookup, every refused mutation) and sends DEALLOCATE ALL
        # before the next statement, so they cost a round trip more than they saved.
        options["connect_args"] = {"prepare_threshold": None, **options.get("connect_args", {})}
        _parse_queries_once()
        return _multi_row_inserts(create_engine(parsed, **options))
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):  # a connection per thread: no queue
            options.pop("pool_size", None)
            options.pop("max_overflow", None)
        engine = create_engine(
            parsed,
            connect_args={"check_same_thread": False, "isolation_level": None},
            **options,
        )
        event.listen(engine, "connect", _configure_sqlite)
        event.listen(engine, "begin", _begin_immediate)
        return _multi_row_inserts(engine)
    raise ValueError(f"unsupported database: {parsed.get_backend_name()}")


PSYCOPG_CACHED_PARAMS = 200
"""Queries of up to this many parameters have their placeholders parsed once per process."""


def _parse_queries_once() -> None:
    # psycopg remembers how it split a query's placeholders only for queries of at most 50
    # parameters (and 4 kB); a multi-row INSERT of five outbox events (5 x 11 columns) was
    # split again, by regular expression, on every order. The length limit still bounds
    # what is kept (an LRU of 128 queries).
    from psycopg import _queries

    if (
        getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", PSYCOPG_CACHED_PARAMS)
        < PSYCOPG_CACHED_PARAMS
    ):
        _queries.MAX_CACHED_STATEMENT_PARAMS = PSYCOPG_CACHED_PARAMS


def _multi_row_inserts(engine: Engine) -> Engine:
    # Rows a flush inserts into one table go as one INSERT ... VALUES (...), (...) (pages of
    # insertmanyvalues_page_size) instead of one execution per row, RETURNING or not.
    engine.dialect.use_insertmanyvalues_wo_returning = True
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit and carry the tenant setting."""
    install_tenant_setting()
    return sessionmaker(engine, expire_on_commit=False)


def _configure_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    # SQLite upgrades a read lock to a write lock mid-transaction and fails with
    # "database is locked" when two writers race; taking the write lock at BEGIN
    # makes concurrent writers queue on busy_timeout instead.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
