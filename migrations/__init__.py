"""Alembic migrations of the Crossdock schema."""
