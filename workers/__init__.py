"""Dramatiq actors: thin, idempotent wrappers around domain services (background work)."""
