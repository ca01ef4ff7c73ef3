"""Alembic environment: migrates the database named by the Crossdock settings."""

from __future__ import annotations

from alembic import context

from crossdock.database import make_engine
from crossdock.models import metadata
from crossdock.settings import Settings

config = context.config


def database_url() -> str:
    """The URL given by the caller (`crossdock migrate`, tests), else the settings."""
    return config.attributes.get("database_url") or Settings.from_env().migration_database_url


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(database_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
