"""Database failures told to an operator in one line: what failed, where, and what to try."""

from __future__ import annotations

import re

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from persistence.rls import APP_ROLE

_MISSING_ROLE = re.compile(r'role "([^"]+)" does not exist')
_MISSING_DATABASE = re.compile(r'database "([^"]+)" does not exist')
_UNREACHABLE = (
    "connection refused",
    "could not translate host name",
    "name or service not known",
    "timeout expired",
    "no route to host",
    "network is unreachable",
    "no such file or directory",
)


def safe_url(url: str) -> str:
    """`url` with its password masked, fit for a log line or a terminal."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unparsable URL)"


def database_url_problem(variable: str, url: str) -> str | None:
    """Why `url` (from `variable`) cannot be a database URL of ours, in one line; None if fine."""
    example = "postgresql://user:password@host:5432/name or sqlite:///path/to/crossdock.db"
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - a non-numeric port only fails when read
    except (ArgumentError, ValueError):
        # not echoed: an unparsable URL cannot have its password masked
        return f"{variable} is not a database URL; use {example}"
    if parsed.get_backend_name() not in ("postgresql", "sqlite"):
        return (
            f"{variable} names an unsupported database ({safe_url(url)}); "
            f"Crossdock runs on PostgreSQL or SQLite: {example}"
        )
    return None


def describe_database_failure(error: DBAPIError, url: str) -> str:
    """One line for a database error: what failed at which (password-free) URL, and a hint."""
    where = safe_url(url)
    detail = _driver_message(error)
    lowered = detail.lower()
    if role := _MISSING_ROLE.search(detail):
        return (
            f'database role "{role.group(1)}" does not exist at {where}; create it '
            f"(CREATE ROLE {role.group(1)} LOGIN IN ROLE {APP_ROLE}) "
            "or put an existing role in the URL"
        )
    if database := _MISSING_DATABASE.search(detail):
        return (
            f'database "{database.group(1)}" does not exist at {where}; '
            "create it (createdb) or fix the database name in the URL"
        )
    if "password authentication failed" in lowered:
        return f"the database refused the password at {where}; check the URL's user and password"
    if any(marker in lowered for marker in _UNREACHABLE):
        return (
            f"cannot reach the database at {where} ({_last_reason(detail)}); "
            "is the server running, and are the URL's host and port right?"
        )
    if "permission denied" in lowered:
        return (
            f"the database role at {where} lacks a privilege ({_last_reason(detail)}); "
            f"grant it the application role (GRANT {APP_ROLE} TO <role>), "
            "and run migrations as the schema owner"
        )
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        reason = _last_reason(detail)
        return f"the database at {where} is not migrated ({reason}); run `crossdock migrate`"
    if "unable to open database file" in lowered:
        return (
            f"cannot open the SQLite file of {where}; does its directory exist and is it writable?"
        )
    return f"database error at {where}: {_last_reason(detail)}"


def _driver_message(error: DBAPIError) -> str:
    """The driver's own words, without SQLAlchemy's statement and background link."""
    # the first line is the message; psycopg adds hints and the SQL excerpt on the next ones
    return str(error.orig if error.orig is not None else error).strip().split("\n", 1)[0]


def _last_reason(detail: str) -> str:
    """The innermost reason of a driver message ("... failed: FATAL: why" -> "why")."""
    reason = detail.rsplit("FATAL:", 1)[-1].rsplit(" failed: ", 1)[-1]
    return reason.strip().rstrip(".") or detail
