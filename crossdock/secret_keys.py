"""The secret key ring: from the settings (or the embedded key file), checked at start-up.

Production (PostgreSQL) names its keys in ``CROSSDOCK_SECRET_KEYS``. The embedded default
(SQLite, nothing configured) keeps one generated key in a file beside the database file,
readable only by its owner, and says so in the log: losing that file loses the secrets
sealed with it, exactly as losing the database would.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy import Select, Table, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from adapters.secrets import KEY_ID_LENGTH, PREFIX, FernetSecretBox, SecretKeyError, new_key
from crossdock.models import metadata
from crossdock.settings import Settings
from persistence.sealed import Sealed, use_secret_box
from persistence.unit_of_work import UnitOfWork

log = logging.getLogger("crossdock.secrets")

SECRETS_TASK = "secret_keys"
"""The system task that reads every tenant's sealed columns (their key ids) and providers."""


def load_secret_box(settings: Settings) -> FernetSecretBox:
    """The configured key ring; the embedded default's key file is made on first start."""
    if settings.secret_keys:
        return FernetSecretBox(settings.secret_keys)
    path = embedded_key_file(settings.database_url)
    if path is None:
        raise SecretKeyError(
            "CROSSDOCK_SECRET_KEYS is required: webhook secrets and carrier credentials are "
            "stored encrypted with it (`crossdock secrets new-key` makes a key). Only the "
            "embedded SQLite default keeps a generated key in a file."
        )
    if not path.exists():
        _write_new_key(path)
    return FernetSecretBox(path.read_text().split(), source=str(path))


def embedded_key_file(database_url: str) -> Path | None:
    """Where the embedded default keeps its key: beside the SQLite file; else None."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(f"{url.database}.key")


def install_secret_box(settings: Settings, session_factory: sessionmaker[Session]) -> None:
    """Load the key ring, refuse to start when stored secrets need a missing key, install it."""
    box = load_secret_box(settings)
    check_stored_secrets(session_factory, box)
    use_secret_box(box)


def check_stored_secrets(session_factory: sessionmaker[Session], box: FernetSecretBox) -> None:
    """A SecretKeyError naming every key id stored secrets need that `box` lacks."""
    try:
        stored = _stored_key_ids(session_factory)
    except DBAPIError:
        # The health check reports a database that is down; the app still starts.
        log.warning("could not check which keys stored secrets need: database unavailable")
        return
    unsealed = {value for value in stored if not value.startswith(PREFIX)}
    missing = {value[len(PREFIX) :] for value in stored - unsealed} - box.key_ids
    if unsealed:
        raise SecretKeyError("Stored secrets are not sealed yet; run `crossdock migrate`.")
    if missing:
        raise SecretKeyError(
            f"Stored secrets were sealed with key {', '.join(sorted(missing))}, which "
            "CROSSDOCK_SECRET_KEYS does not hold: add that key after the new one, start, "
            "and run `crossdock secrets rotate`."
        )


def _stored_key_ids(session_factory: sessionmaker[Session]) -> set[str]:
    with UnitOfWork(session_factory, system_task=SECRETS_TASK) as uow:
        stored: set[str] = set()
        for table, column in sealed_columns():
            stored |= set(uow.session.scalars(_key_ids_in(table, column)))
        return stored


def sealed_columns() -> list[tuple[Table, str]]:
    """Every (table, column name) whose column type is `Sealed`."""
    return [
        (table, column.name)
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, Sealed)
    ]


def _key_ids_in(table: Table, column: str) -> Select[tuple[str]]:
    # the head of the raw text: selecting the column itself would open every value
    raw = table.c[column]
    head = func.substr(raw, 1, len(PREFIX) + KEY_ID_LENGTH)
    return select(head).select_from(table).where(raw.is_not(None)).distinct()


def _write_new_key(path: Path) -> None:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first
    except OSError as error:
        raise SecretKeyError(
            f"Cannot create the secret key file {path}: {error.strerror}."
        ) from None
    with os.fdopen(descriptor, "w") as file:
        file.write(new_key() + "\n")
    log.warning(
        "generated the secret key %s for the embedded database; keep it with the database "
        "(set CROSSDOCK_SECRET_KEYS in production)",
        path,
    )
