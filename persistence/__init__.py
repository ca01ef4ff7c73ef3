"""Persistence: the declarative base, column types, unit of work and row-level security."""
