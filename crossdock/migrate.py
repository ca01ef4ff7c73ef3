"""Apply the Alembic migrations from code (the CLI, `serve` on SQLite, tests)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

import migrations

SecretBoxLoader = Callable[[], Any]
"""Makes the key ring, only when a migration has secrets to seal or open (revision 0010)."""


def alembic_config(database_url: str, secret_box: SecretBoxLoader | None = None) -> Config:
    """An Alembic configuration for `database_url` that needs no alembic.ini on disk."""
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.attributes["database_url"] = database_url
    config.attributes["secret_box"] = secret_box
    return config


def upgrade(
    database_url: str, revision: str = "heads", secret_box: SecretBoxLoader | None = None
) -> None:
    """Migrate `database_url` up to `revision`; `secret_box` seals secrets already stored."""
    command.upgrade(alembic_config(database_url, secret_box), revision)
