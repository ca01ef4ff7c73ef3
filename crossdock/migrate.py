"""Apply the Alembic migrations from code (the CLI, `serve` on SQLite, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

import migrations


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration for `database_url` that needs no alembic.ini on disk."""
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    """Migrate `database_url` up to `revision`."""
    command.upgrade(alembic_config(database_url), revision)
