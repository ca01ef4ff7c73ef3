"""Sending a session's new rows as plain multi-row INSERTs, without the ORM's flush.

The unit-of-work flush costs about 50 µs of CPU per new object (state bookkeeping,
history, post-fetch) on top of the statement; for a request that stages a dozen or two
rows of several tables (an order, its lines, fulfillment orders, ledger, outbox), that
is more than the statements themselves. `insert_new_rows` sends the same rows, one
INSERT per table in foreign-key order (on PostgreSQL joined into one statement by
data-modifying WITH clauses: one round trip), then lets go of the objects: they are not
read back, so nothing has to be post-fetched or kept in the identity map.

Each INSERT's text is written once per table and set of columns, and the rows' values go
through the columns' own bind processors (as a compiled statement's would) into one
`INSERT ... VALUES (...), (...)` sent with `exec_driver_sql`: Core's insertmanyvalues
compiled parameters row by row and cost about as much as the flush it replaced. The
statement still passes through the engine's events, so statement counts see it.

A step that must come last in the transaction (`LastStep`: an order's reservation, which
locks stock levels until the commit) waits in the session for the rows to go: on
PostgreSQL it joins their statement, and whatever flushes or commits the session first
sends them together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Column, Table, event, inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapper, Session, SessionTransaction

from persistence.base import Base

MAX_PARAMETERS = 30_000
"""Bound values per statement: under SQLite's 32,766 and PostgreSQL's 65,535."""

_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


@dataclass(frozen=True)
class LastStep:
    """SQL that runs after a session's new rows, in their statement (PostgreSQL only).

    `clauses` are WITH clauses ("name AS (...)", data-modifying ones included) and `select`
    the statement's final SELECT, whose rows go to `done`; `values` fill their `%s`
    placeholders in order. A database error goes to `failed` first, which may raise one of
    its own instead.
    """

    clauses: str
    select: str
    values: tuple[Any, ...]
    done: Callable[[list[Any]], None]
    failed: Callable[[DBAPIError], None] = lambda error: None


_LAST = "crossdock.last_step"


def send_last(session: Session, step: LastStep) -> None:
    """Have `step` run as late as it can: with the session's new rows, in the statement
    that sends them (`insert_new_rows`, or the next flush or commit)."""
    if session.get_bind().dialect.name != "postgresql":
        raise NotImplementedError("steps joined to the new rows need PostgreSQL")
    if _LAST in session.info:
        insert_new_rows(session)  # one step at a time: the one before goes now
    session.info[_LAST] = step


def waiting(session: Session) -> bool:
    """Whether a step waits to go with the session's new rows (`send_last`)."""
    return _LAST in session.info


def insert_new_rows(session: Session) -> None:
    """INSERT every new (pending) object of `session`, one INSERT per table (on PostgreSQL
    all joined into one statement, with the step waiting to go last), then expunge them.

    Columns left unset get their Python-side defaults (a scalar, or a function called
    without arguments) and otherwise the database's, as in a flush, but the objects do
    not learn them (an id left to its default stays None on the object). Objects the ORM
    must handle itself (a relationship set, several tables, a version counter) stay
    pending for the next flush. The objects are detached afterwards: callers must not
    need them as loaded rows later in the transaction.
    """
    by_table: dict[Table, dict[tuple[str, ...], list[dict[str, Any]]]] = defaultdict(dict)
    sent = []
    for obj in list(session.new):
        state = inspect(obj)
        row = _plain_row(state.mapper, state.dict)
        if row is None:
            continue
        table = state.mapper.local_table
        assert isinstance(table, Table)
        _fill_defaults(table, row)
        by_table[table].setdefault(tuple(row), []).append(row)
        sent.append(obj)
    last: LastStep | None = session.info.pop(_LAST, None)
    if not sent and last is None:
        return
    connection = session.connection()
    pieces = [
        piece
        for table in sorted(by_table, key=_dependency_rank)  # parents before children
        for columns, rows in by_table[table].items()  # each in the order it was added
        for piece in _pieces(_statement(connection.dialect, table, columns), rows)
    ]
    if connection.dialect.name == "postgresql":
        pieces = _joined(pieces, last)
    for text, values in pieces[:-1] if last else pieces:
        connection.exec_driver_sql(text, tuple(values))
    for obj in sent:
        session.expunge(obj)
    if last is not None:
        text, values = pieces[-1]
        try:
            rows = connection.exec_driver_sql(text, tuple(values)).all()
        except DBAPIError as error:
            last.failed(error)
            raise
        last.done(list(rows))


def staged_rows_json(session: Session, objects: Sequence[Any]) -> str:
    """New objects of one table as a JSON array of their rows (defaults filled in), taken
    out of the session: a `LastStep` inserts them with values of its own, e.g. from
    `jsonb_populate_recordset(NULL::<table>, ...)`."""
    rows = []
    for obj in objects:
        state = inspect(obj)
        row = _plain_row(state.mapper, state.dict)
        assert row is not None, "only rows insert_new_rows could send"
        table = state.mapper.local_table
        assert isinstance(table, Table)
        _fill_defaults(table, row)
        rows.append(row)
        session.expunge(obj)
    return orjson.dumps(rows).decode()


@event.listens_for(Session, "before_flush")
def _flushing(session: Session, _context: Any, _objects: Any) -> None:
    # Whatever flushes first sends the waiting step, and the new rows with it.
    if _LAST in session.info:
        insert_new_rows(session)


@event.listens_for(Session, "before_commit")
def _committing(session: Session) -> None:
    if _LAST in session.info:
        insert_new_rows(session)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    # A step belongs to its transaction: a rollback takes it away unsent.
    if transaction.parent is None:
        session.info.pop(_LAST, None)


@dataclass(frozen=True)
class _Statement:
    """One table's INSERT for one set of columns: its text and each column's processor."""

    head: str
    values: str
    keys: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]

    def text(self, rows: int) -> str:
        return self.head + ", ".join([self.values] * rows)


_STATEMENTS: dict[tuple[str, Table, tuple[str, ...]], _Statement] = {}


def _statement(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> _Statement:
    # Written once per dialect, table and set of columns.
    cache_key = (dialect.name, table, keys)
    statement = _STATEMENTS.get(cache_key)
    if statement is None:
        placeholder = _PLACEHOLDERS[dialect.paramstyle]
        quote = dialect.identifier_preparer
        columns = [table.c[key] for key in keys]
        names = ", ".join(quote.format_column(column) for column in columns)
        statement = _STATEMENTS[cache_key] = _Statement(
            head=f"INSERT INTO {quote.format_table(table)} ({names}) VALUES ",  # noqa: S608
            values="(" + ", ".join([placeholder] * len(keys)) + ")",
            keys=keys,
            processors=tuple(
                column.type.dialect_impl(dialect).bind_processor(dialect) for column in columns
            ),
        )
    return statement


def _pieces(statement: _Statement, rows: Sequence[dict[str, Any]]) -> list[_Piece]:
    # The rows as one statement (or a few, past MAX_PARAMETERS), values in column order.
    per_statement = max(1, MAX_PARAMETERS // len(statement.keys))
    pairs = list(zip(statement.keys, statement.processors, strict=True))
    pieces = []
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        values: list[Any] = []
        for row in chunk:
            for key, process in pairs:
                value = row[key]
                values.append(value if process is None or value is None else process(value))
        pieces.append((statement.text(len(chunk)), values))
    return pieces


def _joined(pieces: list[_Piece], last: LastStep | None = None) -> list[_Piece]:
    # PostgreSQL: the INSERTs as one statement (or a few, past MAX_PARAMETERS), all but the
    # last in data-modifying WITH clauses: one round trip and one parse. The foreign keys
    # are still checked: their triggers run at the end of the whole statement. A last step
    # joins the last statement, every INSERT then in a WITH clause.
    groups: list[list[_Piece]] = []
    size = MAX_PARAMETERS + 1
    for piece in pieces:
        if size + len(piece[1]) > MAX_PARAMETERS:
            groups.append([])
            size = 0
        groups[-1].append(piece)
        size += len(piece[1])
    joined = [_with_clauses(group) for group in groups]
    if last is None:
        return joined
    final = groups.pop() if groups else []
    clauses = [f"new_{n} AS ({text})" for n, (text, _) in enumerate(final)] + [last.clauses]
    values = [*(value for _, values in final for value in values), *last.values]
    return [*joined[: len(groups)], (f"WITH {', '.join(clauses)} {last.select}", values)]


def _with_clauses(group: list[_Piece]) -> _Piece:
    *firsts, (final, _) = group
    clauses = ", ".join(f"new_{n} AS ({text})" for n, (text, _) in enumerate(firsts))
    text = f"WITH {clauses} {final}" if firsts else final
    return text, [value for _, values in group for value in values]


_Piece = tuple[str, list[Any]]
_DEFAULTS: dict[Table, list[tuple[str, Any, bool]]] = {}


def _fill_defaults(table: Table, row: dict[str, Any]) -> None:
    # Unset columns with a Python-side default get it; the database fills in the others.
    defaults = _DEFAULTS.get(table)
    if defaults is None:
        defaults = _DEFAULTS[table] = [
            (column.key, column.default.arg, column.default.is_callable)  # type: ignore[attr-defined]
            for column in table.columns
            if column.default is not None
            and (column.default.is_scalar or column.default.is_callable)
        ]
    for key, default, call in defaults:
        if key not in row:
            # SQLAlchemy wraps a function of no arguments in one taking the execution
            # context; none of ours reads it.
            row[key] = default(None) if call else default


_RANKS: dict[Table, int] = {}


def _dependency_rank(table: Table) -> int:
    # Position in the metadata's foreign-key order, sorted once (sorting 60 tables on every
    # call cost more than some of the INSERTs).
    if table not in _RANKS:
        _RANKS.clear()
        _RANKS.update((t, n) for n, t in enumerate(Base.metadata.sorted_tables))
    return _RANKS[table]


def _plain_row(mapper: Mapper[Any], values: dict[str, Any]) -> dict[str, Any] | None:
    # The row's column values by column name, or None when the ORM must insert it.
    columns = _COLUMNS.get(mapper)
    if columns is None:
        columns = _COLUMNS[mapper] = _columns(mapper)
    if not columns:
        return None
    if any(key in values for key in _RELATIONSHIPS[mapper]):
        return None  # foreign keys the flush would fill in from related objects
    return {column: values[key] for key, column in columns if key in values}


_COLUMNS: dict[Mapper[Any], list[tuple[str, str]]] = {}
_RELATIONSHIPS: dict[Mapper[Any], list[str]] = {}


def _columns(mapper: Mapper[Any]) -> list[tuple[str, str]]:
    # Each attribute of the mapper's own table and its column's name, worked out once per
    # mapper (walking the mapper's properties for every row cost ~2% of an order's CPU);
    # none when the ORM must insert the rows itself (several tables, a version counter).
    _RELATIONSHIPS[mapper] = [relationship.key for relationship in mapper.relationships]
    if len(mapper.tables) != 1 or mapper.version_id_col is not None:
        return []
    return [
        (prop.key, column.key)
        for prop in mapper.column_attrs
        if isinstance(column := prop.columns[0], Column) and column.table is mapper.local_table
    ]
