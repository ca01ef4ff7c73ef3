"""Counting the SQL statements a piece of work sends, as the database receives them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event
from sqlalchemy.engine.interfaces import ExecuteStyle


@contextmanager
def every_statement(engine: Engine) -> Iterator[list[str]]:
    """Each statement sent on `engine` while the block runs, once per execution.

    An executemany counts once per parameter set (the driver sends one statement each);
    a multi-row INSERT (SQLAlchemy's insertmanyvalues) counts once per page it sends. Only SQLite's BEGIN
    is left out: on PostgreSQL the driver opens transactions without a statement here.
    """
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.startswith("BEGIN"):
            return
        batched = context is not None and context.execute_style is ExecuteStyle.INSERTMANYVALUES
        times = len(parameters) if executemany and parameters and not batched else 1
        statements.extend([statement] * times)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def inserted_tables(statements: list[str]) -> list[str]:
    """The table of every INSERT, in the order sent, including those a PostgreSQL statement
    joins in its WITH clauses (persistence/new_rows.py)."""
    return [
        match.group(1)
        for statement in statements
        for match in re.finditer(r"\bINSERT INTO (\w+)", statement)
    ]


def verbs(statements: list[str]) -> list[str]:
    """Each statement's first words (`INSERT INTO orders`, `SELECT ...`), for messages."""
    return [" ".join(statement.split()[:4]) for statement in statements]
