"""Composition root: settings, database engines, the ASGI app and the `crossdock` command."""
