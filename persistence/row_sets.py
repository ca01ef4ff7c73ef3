"""Rows made in Python, as a table a statement selects, inserts or updates from.

Writing hundreds of rows in one statement is cheap for the database and expensive for the
client when every value is its own parameter (SQLAlchemy compiles each, psycopg parses a
query of thousands of placeholders). On PostgreSQL a row set is therefore one array per
column, unnested: a statement of a few parameters however many rows. SQLite has no arrays
and reads a VALUES list instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnClause, FromClause, Table, bindparam, column, func, values
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session


def row_set(
    session: Session, table: Table, name: str, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> FromClause:
    """`rows` (values in the order of `names`, columns of `table`) as a FROM item `name`."""
    columns: list[ColumnClause[Any]] = [column(each, table.c[each].type) for each in names]
    if session.get_bind().dialect.name == "postgresql":
        arrays = [
            bindparam(f"{name}_{each.name}", [row[i] for row in rows], type_=ARRAY(each.type))
            for i, each in enumerate(columns)
        ]
        return func.unnest(*arrays).table_valued(*columns).render_derived(name=name)
    return values(*columns, name=name).data([tuple(row) for row in rows]).cte(name)
